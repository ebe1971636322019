using OpenCvSharp;

namespace Visage.Deid.Dicom.Pixels;

/// <summary>How stored sample values map to colour.</summary>
internal enum PixelColourModel
{
    Monochrome1,
    Monochrome2,
    Rgb,
    Ybr,
    Palette,
}

/// <summary>
/// The decoded pixel data of one DICOM image (GDCM's <c>GetBuffer</c>: uncompressed, little-endian, YBR 4:2:2
/// already expanded) with the layout needed to render a frame for OCR and to black out a rectangle in the stored
/// values of every sample.
/// </summary>
internal sealed class DicomPixelBuffer
{
    private readonly long[] fillCache;

    private DicomPixelBuffer(byte[] data, int rows, int columns, int frames, int samples, int bitsAllocated, int bitsStored, bool signed, bool planar, PixelColourModel colour, byte[]? palette)
    {
        Data = data;
        Rows = rows;
        Columns = columns;
        Frames = frames;
        Samples = samples;
        BitsAllocated = bitsAllocated;
        BitsStored = bitsStored;
        Signed = signed;
        Planar = planar;
        Colour = colour;
        Palette = palette;
        fillCache = new long[frames];
        Array.Fill(fillCache, long.MinValue);
    }

    public byte[] Data { get; }

    public int Rows { get; }

    public int Columns { get; }

    public int Frames { get; }

    public int Samples { get; }

    public int BitsAllocated { get; }

    public int BitsStored { get; }

    public bool Signed { get; }

    public bool Planar { get; }

    public PixelColourModel Colour { get; }

    /// <summary>Palette colours as R,G,B bytes per stored index (PALETTE COLOR only).</summary>
    public byte[]? Palette { get; }

    private int PixelsPerFrame => Rows * Columns;

    /// <summary>Reads and decodes the pixel data; null when GDCM cannot decode it or the layout is not one we handle.</summary>
    public static DicomPixelBuffer? Read(gdcm.Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var format = image.GetPixelFormat();
        int samples = format.GetSamplesPerPixel();
        int bitsAllocated = format.GetBitsAllocated();
        int bitsStored = Math.Clamp((int)format.GetBitsStored(), 1, Math.Max(1, bitsAllocated));
        var rows = (int)image.GetRows();
        var columns = (int)image.GetColumns();
        var frames = image.GetNumberOfDimensions() > 2 ? (int)image.GetDimension(2) : 1;
        var colour = ColourModel(image.GetPhotometricInterpretation().GetString(), samples);
        if (colour is null || rows <= 0 || columns <= 0 || frames <= 0
            || bitsAllocated is not (1 or 8 or 16 or 32) || (bitsAllocated == 1 && samples != 1))
        {
            return null;
        }

        var expected = (long)rows * columns * frames * samples * bitsAllocated;
        expected = (expected + 7) / 8;
        var length = image.GetBufferLength();
        if (length < expected || length > int.MaxValue)
        {
            return null;
        }

        var data = new byte[length];
        if (!image.GetBuffer(data))
        {
            return null;
        }

        byte[]? palette = null;
        if (colour == PixelColourModel.Palette)
        {
            palette = ReadPalette(image.GetLUT(), bitsAllocated);
            if (palette is null)
            {
                return null;
            }
        }

        // JPEG 2000 colour transforms (RCT/ICT) are undone by the decoder: the buffer holds RGB.
        return new DicomPixelBuffer(data, rows, columns, frames, samples, bitsAllocated, bitsStored,
            format.GetPixelRepresentation() == 1, image.GetPlanarConfiguration() == 1, colour.Value, palette);
    }

    /// <summary>The stored value of one sample (sign-extended from Bits Stored).</summary>
    public long Sample(int frame, int pixel, int sample)
    {
        if (BitsAllocated == 1)
        {
            var bit = ((long)frame * PixelsPerFrame) + pixel;
            return (Data[bit >> 3] >> (int)(bit & 7)) & 1;
        }

        var offset = SampleOffset(frame, pixel, sample);
        ulong raw = BitsAllocated switch
        {
            8 => Data[offset],
            16 => BitConverter.ToUInt16(Data, (int)offset),
            _ => BitConverter.ToUInt32(Data, (int)offset),
        };
        var mask = BitsStored >= 64 ? ulong.MaxValue : (1UL << BitsStored) - 1;
        var value = (long)(raw & mask);
        if (Signed && BitsStored < 64 && ((value >> (BitsStored - 1)) & 1) == 1)
        {
            value -= 1L << BitsStored;
        }

        return value;
    }

    /// <summary>An 8-bit image of one frame for OCR and face detection: grey for monochrome, BGR for colour.</summary>
    public Mat Render(int frame)
    {
        return Colour switch
        {
            PixelColourModel.Monochrome1 or PixelColourModel.Monochrome2 => RenderMonochrome(frame),
            PixelColourModel.Palette => RenderPalette(frame),
            _ => RenderColour(frame),
        };
    }

    /// <summary>Sets every sample of <paramref name="box"/> (clipped to the frame) to black in stored values.</summary>
    public void BlackOut(int frame, Rect box)
    {
        var clipped = box.Intersect(new Rect(0, 0, Columns, Rows));
        if (clipped.Width <= 0 || clipped.Height <= 0)
        {
            return;
        }

        for (var s = 0; s < Samples; s++)
        {
            var black = BlackValue(frame, s);
            for (var y = clipped.Top; y < clipped.Bottom; y++)
            {
                for (var x = clipped.Left; x < clipped.Right; x++)
                {
                    Write(frame, (y * Columns) + x, s, black);
                }
            }
        }
    }

    private static PixelColourModel? ColourModel(string? photometric, int samples)
    {
        var name = (photometric ?? string.Empty).Trim();
        return (name, samples) switch
        {
            ("MONOCHROME1", 1) => PixelColourModel.Monochrome1,
            ("MONOCHROME2", 1) => PixelColourModel.Monochrome2,
            ("PALETTE COLOR", 1) => PixelColourModel.Palette,
            ("RGB" or "YBR_RCT" or "YBR_ICT", 3) => PixelColourModel.Rgb,
            ("YBR_FULL" or "YBR_FULL_422", 3) => PixelColourModel.Ybr,
            _ => null,
        };
    }

    private static byte[]? ReadPalette(gdcm.LookupTable lut, int bitsAllocated)
    {
        if (!lut.Initialized() || bitsAllocated is not (8 or 16))
        {
            return null;
        }

        var entries = 1 << bitsAllocated;
        var indices = new byte[entries * (bitsAllocated / 8)];
        for (var i = 0; i < entries; i++)
        {
            if (bitsAllocated == 8)
            {
                indices[i] = (byte)i;
            }
            else
            {
                indices[2 * i] = (byte)(i & 0xFF);
                indices[(2 * i) + 1] = (byte)(i >> 8);
            }
        }

        var bytesPerChannel = lut.GetBitSample() == 16 ? 2 : 1;
        var decoded = new byte[entries * 3 * bytesPerChannel];
        if (!lut.Decode(decoded, (uint)decoded.Length, indices, (uint)indices.Length))
        {
            return null;
        }

        if (bytesPerChannel == 1)
        {
            return decoded;
        }

        // 16-bit palette entries: keep the most significant byte of each little-endian value.
        var rgb = new byte[entries * 3];
        for (var i = 0; i < rgb.Length; i++)
        {
            rgb[i] = decoded[(2 * i) + 1];
        }

        return rgb;
    }

    private long SampleOffset(int frame, int pixel, int sample)
    {
        var bytes = BitsAllocated / 8;
        var frameStart = (long)frame * PixelsPerFrame * Samples;
        var index = Planar ? frameStart + ((long)sample * PixelsPerFrame) + pixel : frameStart + ((long)pixel * Samples) + sample;
        return index * bytes;
    }

    private void Write(int frame, int pixel, int sample, long value)
    {
        if (BitsAllocated == 1)
        {
            var bit = ((long)frame * PixelsPerFrame) + pixel;
            var mask = (byte)(1 << (int)(bit & 7));
            Data[bit >> 3] = value == 0 ? (byte)(Data[bit >> 3] & ~mask) : (byte)(Data[bit >> 3] | mask);
            return;
        }

        var offset = (int)SampleOffset(frame, pixel, sample);
        var raw = (ulong)value & (BitsStored >= 64 ? ulong.MaxValue : (1UL << BitsStored) - 1);
        if (Signed && value < 0 && BitsStored < BitsAllocated)
        {
            // Keep the sign extension in the unused high bits, as most writers do.
            raw = (ulong)value;
        }

        switch (BitsAllocated)
        {
            case 8:
                Data[offset] = (byte)raw;
                break;
            case 16:
                BitConverter.TryWriteBytes(Data.AsSpan(offset, 2), (ushort)raw);
                break;
            default:
                BitConverter.TryWriteBytes(Data.AsSpan(offset, 4), (uint)raw);
                break;
        }
    }

    // Black is the darkest value the frame already uses (so windowing is undisturbed), chroma at its midpoint
    // for YBR, and the darkest palette entry for PALETTE COLOR.
    private long BlackValue(int frame, int sample)
    {
        switch (Colour)
        {
            case PixelColourModel.Rgb:
                return 0;
            case PixelColourModel.Ybr:
                return sample == 0 ? 0 : 1L << (BitsStored - 1);
            case PixelColourModel.Palette:
                return DarkestPaletteIndex();
            default:
                if (fillCache[frame] == long.MinValue)
                {
                    var (min, max) = FrameRange(frame, 0);
                    fillCache[frame] = Colour == PixelColourModel.Monochrome1 ? max : min;
                }

                return fillCache[frame];
        }
    }

    private int DarkestPaletteIndex()
    {
        var palette = Palette!;
        var best = 0;
        var bestSum = int.MaxValue;
        for (var i = 0; i < palette.Length / 3; i++)
        {
            var sum = palette[3 * i] + palette[(3 * i) + 1] + palette[(3 * i) + 2];
            if (sum < bestSum)
            {
                bestSum = sum;
                best = i;
            }
        }

        return best;
    }

    private (long Min, long Max) FrameRange(int frame, int sample)
    {
        long min = long.MaxValue, max = long.MinValue;
        for (var p = 0; p < PixelsPerFrame; p++)
        {
            var v = Sample(frame, p, sample);
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return (min, max);
    }

    private Mat RenderMonochrome(int frame)
    {
        var (min, max) = FrameRange(frame, 0);
        var scale = max > min ? 255.0 / (max - min) : 0;
        var invert = Colour == PixelColourModel.Monochrome1;
        var pixels = new byte[PixelsPerFrame];
        for (var p = 0; p < pixels.Length; p++)
        {
            var v = (byte)Math.Round((Sample(frame, p, 0) - min) * scale);
            pixels[p] = invert ? (byte)(255 - v) : v;
        }

        return MatFrom(pixels, MatType.CV_8UC1);
    }

    private Mat RenderPalette(int frame)
    {
        var palette = Palette!;
        var pixels = new byte[PixelsPerFrame * 3];
        var entries = palette.Length / 3;
        for (var p = 0; p < PixelsPerFrame; p++)
        {
            var index = (int)Math.Clamp(Sample(frame, p, 0), 0, entries - 1);
            pixels[3 * p] = palette[(3 * index) + 2];
            pixels[(3 * p) + 1] = palette[(3 * index) + 1];
            pixels[(3 * p) + 2] = palette[3 * index];
        }

        return MatFrom(pixels, MatType.CV_8UC3);
    }

    private Mat RenderColour(int frame)
    {
        // Deeper-than-8-bit colour is scaled by the frame's overall range; 8-bit is shown as stored.
        long min = 0, max = 255;
        if (BitsAllocated > 8)
        {
            min = long.MaxValue;
            max = long.MinValue;
            for (var s = 0; s < Samples; s++)
            {
                var (lo, hi) = FrameRange(frame, s);
                min = Math.Min(min, lo);
                max = Math.Max(max, hi);
            }
        }

        var scale = max > min ? 255.0 / (max - min) : 0;
        var half = 1L << (BitsStored - 1);
        var pixels = new byte[PixelsPerFrame * 3];
        for (var p = 0; p < PixelsPerFrame; p++)
        {
            double r = Sample(frame, p, 0), g = Sample(frame, p, 1), b = Sample(frame, p, 2);
            if (Colour == PixelColourModel.Ybr)
            {
                var (y, cb, cr) = (r, g - half, b - half);
                r = y + (1.402 * cr);
                g = y - (0.344136 * cb) - (0.714136 * cr);
                b = y + (1.772 * cb);
            }

            pixels[3 * p] = ToByte((b - min) * scale);
            pixels[(3 * p) + 1] = ToByte((g - min) * scale);
            pixels[(3 * p) + 2] = ToByte((r - min) * scale);
        }

        return MatFrom(pixels, MatType.CV_8UC3);
    }

    private static byte ToByte(double v) => (byte)Math.Clamp(Math.Round(v), 0, 255);

    private Mat MatFrom(byte[] pixels, MatType type)
    {
        var mat = new Mat(Rows, Columns, type);
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, mat.Data, pixels.Length);
        return mat;
    }
}
