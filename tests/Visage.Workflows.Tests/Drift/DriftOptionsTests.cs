using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Visage.Workflows.Drift;

namespace Visage.Workflows.Tests.Drift;

/// <summary>The <c>Drift</c> section as AddWorkflows binds and validates it: the defaults hold, a bound out of range names itself.</summary>
public sealed class DriftOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AWeekAgainstTheFourBefore()
    {
        var options = Bind([]);

        Assert.Equal((TimeSpan.FromDays(7), TimeSpan.FromDays(28), TimeSpan.FromDays(7)), (options.Recent, options.Baseline, options.Interval));
        Assert.Equal((0.2, 0.05, 0.10, 30), (options.MaxKs, options.MaxMeanShift, options.MaxOverrideRateIncrease, options.MinSamples));
    }

    [Theory]
    [InlineData("MaxKs", "1.5")]
    [InlineData("MinSamples", "2")]
    [InlineData("Interval", "00:00:10")]
    [InlineData("Recent", "02:00:00")]
    public void ABoundOutOfRange_IsRefused_NamingTheSetting(string setting, string value)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Bind(new() { [$"Drift:{setting}"] = value }));

        Assert.Contains(setting, refused.Message, StringComparison.Ordinal);
    }

    private static DriftOptions Bind(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddWorkflows();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<DriftOptions>>().Value;
    }
}
