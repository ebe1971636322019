using OpenCvSharp;
using Visage.Deid.Text;

namespace Visage.Deid.Tests.Text;

public sealed class TesseractOcrTests
{
    [Fact]
    public void Reads_known_words_with_boxes_inside_the_image()
    {
        using var image = Cv2.ImRead(TestData.Path("ocr", "debian_rust-tesseract", "tesseract-plumbing_image.png"));
        var words = new TesseractOcr().Recognize(image, pageSegmentation: 3);

        Assert.Contains(words, w => w.Text.Equals("tesseract", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(words, w => w.Text.Equals("plumbing", StringComparison.OrdinalIgnoreCase));
        Assert.All(words, w =>
        {
            Assert.InRange(w.Left, 0, image.Width - 1);
            Assert.InRange(w.Top, 0, image.Height - 1);
            Assert.InRange(w.Left + w.Width, 1, image.Width);
            Assert.InRange(w.Top + w.Height, 1, image.Height);
        });
    }

    [Fact]
    public void A_blank_image_has_no_words()
    {
        using var blank = new Mat(200, 300, MatType.CV_8UC1, Scalar.All(255));
        Assert.Empty(new TesseractOcr().Recognize(blank));
    }

    [Fact]
    public void A_missing_executable_is_a_clear_error()
    {
        using var blank = new Mat(10, 10, MatType.CV_8UC1, Scalar.All(255));
        var error = Assert.Throws<OcrException>(() => new TesseractOcr("/nonexistent/tesseract").Recognize(blank));
        Assert.Contains("tesseract-ocr", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tsv_parsing_keeps_only_non_empty_words()
    {
        const string tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
            + "1\t1\t0\t0\t0\t0\t0\t0\t100\t50\t-1\t\n"
            + "5\t1\t1\t1\t1\t1\t10\t12\t30\t8\t91.5\tJFK\n"
            + "5\t1\t1\t1\t1\t2\t45\t12\t5\t8\t10\t \n";
        var word = Assert.Single(TesseractOcr.ParseTsv(tsv));
        Assert.Equal(new RecognizedWord("JFK", 10, 12, 30, 8, 91.5f), word);
    }
}
