using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Face;

namespace Visage.Cli.Commands;

/// <summary><c>visage detect IMG</c>: every face with its box, landmarks score and quality.</summary>
internal static class DetectCommand
{
    public static Command Create(IServiceProvider services)
    {
        var image = new Argument<FileInfo>("image") { Description = "JPEG, PNG, WebP, BMP or TIFF image." };
        var command = new Command("detect", "Find faces and report their boxes and quality.") { image };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var bytes = await ImageInput.ReadAsync(services, parse.GetValue(image)!, cancellationToken);
            var engine = services.GetRequiredService<FaceEngine>();
            using var decoded = engine.Decode(bytes);
            var faces = engine.Detect(decoded);
            AnsiConsole.MarkupLineInterpolated($"{decoded.Width}x{decoded.Height} {decoded.Format}, orientation {decoded.Orientation}: [bold]{faces.Count}[/] face(s)  (detector {engine.DetectorModel})");
            if (faces.Count == 0)
            {
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("#", "box x,y,w,h", "score", "eye dist", "sharpness", "brightness", "yaw/pitch/roll", "quality");
            for (var i = 0; i < faces.Count; i++)
            {
                var face = faces[i];
                using var aligned = FaceEngine.Align(decoded, face);
                var q = engine.AssessQuality(face, aligned);
                table.AddRow(
                    (i + 1).ToString(CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"{face.Box.X:0},{face.Box.Y:0},{face.Box.Width:0},{face.Box.Height:0}"),
                    face.Score.ToString("0.000", CultureInfo.InvariantCulture),
                    q.InterEyeDistance.ToString("0.0", CultureInfo.InvariantCulture),
                    q.Sharpness.ToString("0", CultureInfo.InvariantCulture),
                    q.MeanBrightness.ToString("0", CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"{q.YawDegrees:0}/{q.PitchDegrees:0}/{q.RollDegrees:0}"),
                    q.Passed ? "[green]pass[/]" : $"[yellow]{string.Join(", ", q.Issues)}[/]");
            }

            AnsiConsole.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }
}
