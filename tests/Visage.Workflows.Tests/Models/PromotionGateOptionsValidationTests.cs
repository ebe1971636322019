using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Visage.Workflows.Models;

namespace Visage.Workflows.Tests.Models;

/// <summary>The gate section as the workflows register it, validated at start: a per-context target for a context that does not exist, or one that is not a rate, is refused, not silently dropped.</summary>
public sealed class PromotionGateOptionsValidationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddWorkflows();
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("Models:Gates:Contexts:Checkin2:MaxFmr", "0.001", "Models:Gates:Contexts:Checkin2 is not a recognition context")]
    [InlineData("Models:Gates:Contexts:StepUp:MaxFnmr", "0", "Models:Gates:Contexts:StepUp:MaxFnmr must be a rate above 0")]
    [InlineData("Models:Gates:Contexts:StepUp:MaxFmr", "1.5", "Models:Gates:Contexts:StepUp:MaxFmr must be a rate above 0")]
    [InlineData("Models:Gates:Contexts:StepUp:MaxFpr", "0.01", "Models:Gates:Contexts:StepUp:MaxFpr is not a target")]
    [InlineData("Models:Gates:MaxApcer", "2", "MaxApcer")]
    [InlineData("Models:Gates:Contexts:StepUp:MaxFmr", "abc", "Models:Gates:Contexts:StepUp:MaxFmr must be a rate above 0")]
    public void Validate_BadSetting_FailsAtStartNamingIt(string key, string value, string message)
    {
        using var provider = Build(new() { [key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ContextTargets_BindAndDefaultToThePooledOnes()
    {
        using var provider = Build(new() { ["Models:Gates:Contexts:stepup:MaxFnmr"] = "0.02", ["Models:Gates:MaxFmr"] = "0.005" });

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptions<PromotionGateOptions>>().Value;
        Assert.Equal((0.005, 0.02), options.TargetsFor("StepUp"));
        Assert.Equal((0.005, 0.05), options.TargetsFor("CheckIn"));
        Assert.True(options.RequireLiveness);
        Assert.Equal((0.10, 0.05), (options.MaxApcer, options.MaxBpcer));
    }
}
