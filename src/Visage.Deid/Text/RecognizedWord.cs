namespace Visage.Deid.Text;

/// <summary>One word Tesseract read, with its pixel box (image coordinates) and confidence 0-100.</summary>
public sealed record RecognizedWord(string Text, int Left, int Top, int Width, int Height, float Confidence);
