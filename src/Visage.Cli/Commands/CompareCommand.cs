using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Face;

namespace Visage.Cli.Commands;

/// <summary><c>visage compare A B</c>: similarity of the largest face in each image and the decision at the threshold.</summary>
internal static class CompareCommand
{
    public static Command Create(IServiceProvider services)
    {
        var first = new Argument<FileInfo>("first") { Description = "First image." };
        var second = new Argument<FileInfo>("second") { Description = "Second image." };
        var command = new Command("compare", "Compare the largest face in two images.") { first, second };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var firstBytes = await ImageInput.ReadAsync(services, parse.GetValue(first)!, cancellationToken);
            var secondBytes = await ImageInput.ReadAsync(services, parse.GetValue(second)!, cancellationToken);
            var engine = services.GetRequiredService<FaceEngine>();
            var a = engine.CreateTemplate(firstBytes);
            var b = engine.CreateTemplate(secondBytes);
            var score = a.Embedding.Similarity(b.Embedding);
            var same = score >= engine.MatchThreshold;

            var table = new Table().AddColumns("similarity", "threshold", "decision", "model");
            table.AddRow(
                score.ToString("0.0000", CultureInfo.InvariantCulture),
                engine.MatchThreshold.ToString("0.00", CultureInfo.InvariantCulture),
                same ? "[green]same person[/]" : "[yellow]different people[/]",
                Markup.Escape(a.Embedding.Model.ToString()));
            AnsiConsole.Write(table);
            foreach (var (label, t) in new[] { ("first", a), ("second", b) })
            {
                if (!t.Quality.Passed)
                {
                    AnsiConsole.MarkupLineInterpolated($"[yellow]note:[/] {label} face has quality issues: {string.Join(", ", t.Quality.Issues)}");
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
