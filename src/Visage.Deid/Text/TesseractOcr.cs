using System.Diagnostics;
using System.Globalization;
using OpenCvSharp;

namespace Visage.Deid.Text;

/// <summary>
/// Word boxes from Debian's <c>tesseract</c> command. The image goes in on stdin as PNG and the TSV comes back
/// on stdout, so no pixel (possibly PHI) is ever written to a temp file.
/// </summary>
public sealed class TesseractOcr
{
    private readonly string executable;
    private readonly string language;

    public TesseractOcr(string executable = "tesseract", string language = "eng")
    {
        this.executable = executable;
        this.language = language;
    }

    /// <summary>Words read from an 8-bit grey or BGR image; <paramref name="pageSegmentation"/> is Tesseract's --psm.</summary>
    public IReadOnlyList<RecognizedWord> Recognize(Mat image, int pageSegmentation = 11, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        Cv2.ImEncode(".png", image, out var png);
        return Recognize(png, pageSegmentation, cancellationToken);
    }

    public IReadOnlyList<RecognizedWord> Recognize(byte[] encodedImage, int pageSegmentation = 11, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encodedImage);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "stdin", "stdout", "-l", language, "--psm", pageSegmentation.ToString(CultureInfo.InvariantCulture), "tsv" })
        {
            start.ArgumentList.Add(argument);
        }

        // One thread per OCR process: the callers already run files in parallel.
        start.Environment["OMP_THREAD_LIMIT"] = "1";
        using var process = StartOrExplain(start);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        process.StandardInput.BaseStream.Write(encodedImage);
        process.StandardInput.Close();
        process.WaitForExitAsync(cancellationToken).GetAwaiter().GetResult();
        var tsv = stdout.GetAwaiter().GetResult();
        _ = stderr.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
        {
            // Tesseract's stderr can echo recognised text; it is not passed on.
            throw new OcrException($"tesseract exited with code {process.ExitCode}.");
        }

        return ParseTsv(tsv);
    }

    internal static IReadOnlyList<RecognizedWord> ParseTsv(string tsv)
    {
        var words = new List<RecognizedWord>();
        foreach (var line in tsv.Split('\n'))
        {
            var fields = line.TrimEnd('\r').Split('\t');
            // level page_num block_num par_num line_num word_num left top width height conf text; level 5 = word.
            if (fields.Length < 12 || fields[0] != "5")
            {
                continue;
            }

            var text = fields[11].Trim();
            if (text.Length == 0)
            {
                continue;
            }

            words.Add(new RecognizedWord(
                text,
                int.Parse(fields[6], CultureInfo.InvariantCulture),
                int.Parse(fields[7], CultureInfo.InvariantCulture),
                int.Parse(fields[8], CultureInfo.InvariantCulture),
                int.Parse(fields[9], CultureInfo.InvariantCulture),
                float.Parse(fields[10], CultureInfo.InvariantCulture)));
        }

        return words;
    }

    private Process StartOrExplain(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new OcrException($"'{executable}' could not be started.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new OcrException($"'{executable}' was not found; install Debian's tesseract-ocr and tesseract-ocr-eng (scripts/setup does).", ex);
        }
    }
}

/// <summary>OCR could not run; the message never contains recognised text.</summary>
public sealed class OcrException : Exception
{
    public OcrException(string message) : base(message)
    {
    }

    public OcrException(string message, Exception inner) : base(message, inner)
    {
    }
}
