using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Visage.Face.Tests;

public sealed class FaceServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddFaceEngine("Face");
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("Face:Threads", "0")]
    [InlineData("Face:MatchThreshold", "1.5")]
    [InlineData("Face:Detector", "yolo")]
    [InlineData("Face:MaxPixels", "0")]
    [InlineData("Face:Quality:MaxYawDegrees", "1000")]
    [InlineData("Face:Quality:MinMeanBrightness", "-5")]
    [InlineData("Face:Liveness:Threshold", "2")]
    [InlineData("Face:SecondDetectionPass", "7")]
    [InlineData("Face:Embedder", "")]
    public void Validate_InvalidSetting_FailsAtStart(string key, string value)
    {
        using var provider = Build(new() { [key] = value });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }

    [Fact]
    public void Validate_BlazeFaceSecondPassAfterBlazeFace_FailsNamingTheSetting()
    {
        using var provider = Build(new() { ["Face:Detector"] = ModelIds.BlazeFaceDetector, ["Face:SecondDetectionPass"] = "BlazeFace" });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("Face:SecondDetectionPass", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Pass()
    {
        using var provider = Build([]);

        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal(0.40f, provider.GetRequiredService<IOptions<FaceEngineOptions>>().Value.MatchThreshold);
    }
}
