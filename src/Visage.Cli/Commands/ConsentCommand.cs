using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Workflows.Consent;
using Visage.Workflows.People;

namespace Visage.Cli.Commands;

/// <summary>
/// <c>visage consent grant|withdraw|show</c>: a person's consent on a notice version, its withdrawal (which crypto-shreds
/// their biometric data) and its history; <c>visage consent notice add|list|show</c>: the versioned notice a person reads
/// before consenting.
/// </summary>
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
        return new Command("consent", "Consent: grants on a notice version, withdrawals, history; the notices themselves.")
        {
            Grant(services), Withdraw(services), History(services), notice,
        };
    }

    private static Command Grant(IServiceProvider services)
    {
        var subject = SubjectIdArgument.Create();
        var version = new Option<int>("--notice") { Description = "The notice version the person was given (visage consent notice list).", Required = true };
        var purposes = CodeOption.Purposes("--purposes", "What the person agrees to");
        var method = CodeOption.Create<ConsentMethod>("--method", "How the consent was given.", ConsentCodes.Methods, ConsentCodes.TryParse, required: true);
        var givenBy = CodeOption.Create<ConsentGiver>("--given-by", "Who gave it.", ConsentCodes.Givers, ConsentCodes.TryParse, required: false, ConsentGiver.Patient);
        var evidence = new Option<string?>("--evidence-sha256") { Description = "SHA-256 (64 hex digits) of the evidence kept elsewhere: the signature image, the scanned form." };
        evidence.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } hex && (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit)))
            {
                result.AddError("--evidence-sha256 must be 64 hex digits; what was given is not shown.");
            }
        });
        var expires = CodeOption.Date("--expires", "The day the consent ends (default: until withdrawn)");
        var command = new Command("grant", "Record a person's consent (a consent in force before is superseded); audited.") { subject, version, purposes, method, givenBy, evidence, expires };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var until = parse.GetValue(expires) is { } day ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (DateTimeOffset?)null;
            var grant = new ConsentGrant(parse.GetValue(version), parse.GetValue(purposes), parse.GetValue(method), parse.GetValue(givenBy), parse.GetValue(evidence) is { } hex ? Convert.FromHexString(hex) : null, until);
            var record = await services.GetRequiredService<ConsentRegistry>().GrantAsync(ActorOption.Resolve(parse), parse.GetValue(subject), grant, cancellationToken);
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"consent {record.Id:N} recorded: notice v{record.NoticeVersion}, purposes {ConsentCodes.PurposeList(record.Purposes)}, {record.Method.ToCode()} by {record.GivenBy.ToCode()}, expires {(record.Expires is { } e ? e.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "never")}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Withdraw(IServiceProvider services)
    {
        var subject = SubjectIdArgument.Create();
        var restrict = new Option<bool>("--restrict") { Description = "Record a restriction request instead of a withdrawal (the biometric data is deleted either way)." };
        var command = new Command("withdraw", "End the person's consent and crypto-shred their templates and face images with a signed deletion certificate; the person's record stays. Audited.") { subject, restrict };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var reason = parse.GetValue(restrict) ? ConsentEnd.Restricted : ConsentEnd.Withdrawn;
            var (consent, certificate) = await services.GetRequiredService<ConsentRegistry>().WithdrawAsync(ActorOption.Resolve(parse), parse.GetValue(subject), reason, cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"consent {consent.Id:N} {reason.ToCode()}");
            if (certificate is null)
            {
                AnsiConsole.MarkupLine("no biometric data was held: nothing to delete, no certificate");
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"biometric data deleted: deletion certificate {certificate.Id} (visage subjects certificates {consent.PersonId})");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command History(IServiceProvider services)
    {
        var subject = SubjectIdArgument.Create();
        var command = new Command("show", "A person's consent history, oldest first.") { subject };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            _ = ActorOption.Resolve(parse);
            var id = parse.GetValue(subject);
            await services.GetRequiredService<PersonRegistry>().RequireAsync(id, cancellationToken);
            ConsentHistory.Write(await services.GetRequiredService<ConsentRegistry>().HistoryAsync(id, cancellationToken));
            return ExitCodes.Success;
        }));
        return command;
    }
}
