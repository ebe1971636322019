using System.Globalization;
using Spectre.Console;
using Visage.Workflows.Consent;

namespace Visage.Cli.Commands;

/// <summary>A person's consents as one table, oldest first: what they agreed to, how, and how it ended. No PHI.</summary>
internal static class ConsentHistory
{
    public static void Write(IReadOnlyList<ConsentRecord> history)
    {
        if (history.Count == 0)
        {
            AnsiConsole.MarkupLine("no consent recorded");
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var table = new Table().AddColumns("consent", "status", "notice", "purposes", "method", "given by", "granted (UTC)", "expires", "recorded by", "ended (UTC)", "ended by");
        foreach (var consent in history)
        {
            table.AddRow(
                consent.Id.ToString("N")[..12],
                consent.InForceAt(now) ? "[green]in force[/]" : consent.EndReason is { } end ? end.ToCode() : "expired",
                string.Create(CultureInfo.InvariantCulture, $"v{consent.NoticeVersion}"),
                ConsentCodes.PurposeList(consent.Purposes),
                consent.Method.ToCode(),
                consent.GivenBy.ToCode(),
                When(consent.Granted),
                consent.Expires is { } expires ? expires.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "never",
                Markup.Escape(consent.RecordedBy),
                consent.Ended is { } ended ? When(ended) : string.Empty,
                Markup.Escape(consent.EndedBy ?? string.Empty));
        }

        AnsiConsole.Write(table);
    }

    private static string When(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
