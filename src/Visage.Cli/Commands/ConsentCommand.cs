using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Workflows.Consent;

namespace Visage.Cli.Commands;

/// <summary><c>visage consent notice add|list|show</c>: the versioned notice a person reads before consenting.</summary>
internal static class ConsentCommand
{
    public static Command Create(IServiceProvider services)
    {
        var file = new Argument<FileInfo>("FILE") { Description = $"The notice's text, UTF-8, at most {ConsentNotices.MaxTextBytes / 1024} KiB." };
        var language = new Option<string>("--language") { Description = "Its language as a BCP 47 tag (en, es-MX).", DefaultValueFactory = _ => "en" };
        var add = new Command("add", "Store a notice text as the next version (the same text again keeps its version); audited.") { file, language };
        add.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var path = parse.GetValue(file)!;
            if (path.Exists && path.Length > ConsentNotices.MaxTextBytes)
            {
                throw new ConsentNoticeException($"A notice text is at most {ConsentNotices.MaxTextBytes / 1024} KiB of UTF-8.");
            }

            var text = await File.ReadAllTextAsync(path.FullName, cancellationToken);
            var notice = await services.GetRequiredService<ConsentNotices>().AddAsync(ActorOption.Resolve(parse), text, parse.GetValue(language)!, cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"notice version {notice.Version} ({notice.Language}), sha256 {notice.Sha256Hex}");
            return ExitCodes.Success;
        }));

        var list = new Command("list", "Every notice version: language, when, by whom, SHA-256.");
        list.SetAction((_, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var table = new Table().AddColumns("version", "language", "added (UTC)", "by", "sha256");
            foreach (var notice in await services.GetRequiredService<ConsentNotices>().ListAsync(cancellationToken))
            {
                table.AddRow(
                    notice.Version.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(notice.Language),
                    notice.CreatedUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    Markup.Escape(notice.CreatedBy),
                    notice.Sha256Hex);
            }

            AnsiConsole.Write(table);
            return ExitCodes.Success;
        }));

        var version = new Argument<int>("VERSION") { Description = "The notice version." };
        var show = new Command("show", "Print one notice version's exact text.") { version };
        show.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            if (await services.GetRequiredService<ConsentNotices>().GetAsync(parse.GetValue(version), cancellationToken) is not { } notice)
            {
                AnsiConsole.MarkupLine("[red]error:[/] no such notice version");
                return ExitCodes.NotFound;
            }

            Console.Write(notice.Text);
            if (!notice.Text.EndsWith('\n'))
            {
                Console.WriteLine();
            }

            return ExitCodes.Success;
        }));

        var notice = new Command("notice", "The consent notice's versions.") { add, list, show };
        return new Command("consent", "Consent: the notices people consent on (grants and withdrawals next).") { notice };
    }
}
