namespace Visage.Gallery.Quantization;

/// <summary>
/// The per-template numbers that go with the int4 code and the int8 residual (see <see cref="Int4Quantizer"/>).
/// </summary>
/// <param name="Scale">a: the code c reconstructs x̂ = (c − 7.5)·a.</param>
/// <param name="CoarseError">‖x − x̂‖ + ‖x − x̃‖: bounds how far a rescored score can sit from the coarse one.</param>
/// <param name="ResidualScale">s: the residual byte r reconstructs x̃ = x̂ + r·s.</param>
/// <param name="RescoreError">‖x − x̃‖: bounds how far a rescored score can sit from the exact cosine.</param>
internal readonly record struct TemplateCode(float Scale, float CoarseError, float ResidualScale, float RescoreError);
