using Visage.Deid.Dicom.Pixels;

namespace Visage.Deid.Tests.Dicom.Pixels;

/// <summary>Pixel-level comparisons of decoded DICOM buffers.</summary>
internal static class PixelAssert
{
    /// <summary>Every sample outside the redacted area equals the original; returns how many pixels were compared.</summary>
    public static long UnchangedOutside(DicomPixelBuffer original, DicomPixelBuffer output, Func<int, int, int, bool> redacted)
    {
        Assert.Equal(original.Frames, output.Frames);
        Assert.Equal(original.Rows, output.Rows);
        Assert.Equal(original.Columns, output.Columns);
        Assert.Equal(original.Samples, output.Samples);
        long compared = 0;
        for (var f = 0; f < original.Frames; f++)
        {
            for (var y = 0; y < original.Rows; y++)
            {
                for (var x = 0; x < original.Columns; x++)
                {
                    if (redacted(f, x, y))
                    {
                        continue;
                    }

                    var p = (y * original.Columns) + x;
                    for (var s = 0; s < original.Samples; s++)
                    {
                        if (original.Sample(f, p, s) != output.Sample(f, p, s))
                        {
                            Assert.Fail($"frame {f} pixel ({x},{y}) sample {s} changed outside the redactions");
                        }
                    }

                    compared++;
                }
            }
        }

        return compared;
    }

    /// <summary>Every pixel inside the redacted area renders as the frame's darkest value.</summary>
    public static void BlackInside(DicomPixelBuffer output, Func<int, int, int, bool> redacted)
    {
        for (var f = 0; f < output.Frames; f++)
        {
            using var display = output.Render(f);
            using var grey = new OpenCvSharp.Mat();
            if (display.Channels() == 3)
            {
                OpenCvSharp.Cv2.CvtColor(display, grey, OpenCvSharp.ColorConversionCodes.BGR2GRAY);
            }
            else
            {
                display.CopyTo(grey);
            }

            grey.MinMaxLoc(out double darkest, out _);
            for (var y = 0; y < output.Rows; y++)
            {
                for (var x = 0; x < output.Columns; x++)
                {
                    if (redacted(f, x, y) && grey.At<byte>(y, x) > darkest + 1)
                    {
                        Assert.Fail($"frame {f} pixel ({x},{y}) inside a redaction is not black");
                    }
                }
            }
        }
    }
}
