using System.Net;
using System.Text.Json;
using Visage.Server.Access;
using Visage.Server.Identity;
using Visage.Workflows.Drift;

namespace Visage.Server.Tests.Oversight;

/// <summary>The drift report over HTTPS: the officers read it (audited, no person in it, no alert raised by reading); a clerk is refused.</summary>
[Collection(OversightCollection.Name)]
public sealed class DriftApiTests(OversightServer oversight)
{
    private static readonly Uri Drift = new("/api/v1/drift", UriKind.Relative);

    [Fact]
    public async Task Report_ForAPrivacyOfficer_ShowsTheLiveCheckIns_PerModelAndContext_WithoutAnyone_AndIsAudited()
    {
        await oversight.BorderlineCheckInAsync();
        var (officer, officerId) = await oversight.StaffAsync(Roles.PrivacyOfficer);
        using var _ = officer;

        using var response = await officer.GetAsync(Drift);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(body);
        var checkIn = Assert.Single(report.RootElement.GetProperty("groups").EnumerateArray(), g => g.GetProperty("context").GetString() == "check-in");
        Assert.StartsWith("faceplugin", checkIn.GetProperty("modelVersion").GetString(), StringComparison.Ordinal);
        Assert.True(checkIn.GetProperty("recentReviewRate").GetProperty("errors").GetInt32() >= 1);
        // A handful of check-ins this week and none before: every check says so, none passes or alerts.
        Assert.All(checkIn.GetProperty("checks").EnumerateArray(), c => Assert.Equal("too-few-samples", c.GetProperty("verdict").GetString()));
        Assert.DoesNotContain(oversight.PatientA.ToString(), body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(oversight.PatientB.ToString(), body, StringComparison.OrdinalIgnoreCase);
        var records = await oversight.RecordsOfAsync(officerId);
        Assert.Equal(["started", "success"], records.Where(r => r.Action == DriftMonitor.ReportAction).Select(r => r.Outcome));
        Assert.All(records.Where(r => r.Action == DriftMonitor.ReportAction), r => Assert.Equal(Roles.PrivacyOfficer, r.ActorRole));
        Assert.DoesNotContain(await oversight.RecordsOfAsync("visage"), r => r.Action == DriftMonitor.AlertAction);
    }

    [Fact]
    public async Task Report_ForASecurityOfficer_WithAWiderWindow_IsShown()
    {
        var (officer, _) = await oversight.StaffAsync(Roles.SecurityOfficer);
        using var _ = officer;

        using var response = await officer.GetAsync(new Uri("/api/v1/drift?weeks=4", UriKind.Relative));
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var from = report.RootElement.GetProperty("recentFrom").GetDateTimeOffset();
        var to = report.RootElement.GetProperty("recentTo").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromDays(28), to - from);
    }

    [Fact]
    public async Task Report_ForAClerk_IsForbidden_AndAWindowOutOfRange_IsABadRequest()
    {
        var (clerk, _) = await oversight.StaffAsync(Roles.FrontDesk);
        var (officer, _) = await oversight.StaffAsync(Roles.PrivacyOfficer);
        using var a = clerk;
        using var b = officer;

        using var forbidden = await clerk.GetAsync(Drift);
        using var tooWide = await officer.GetAsync(new Uri("/api/v1/drift?weeks=99", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(IdentityCodes.ForbiddenRole, Reason(await forbidden.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, tooWide.StatusCode);
        Assert.Equal("bad-input", Reason(await tooWide.Content.ReadAsStringAsync()));
    }

    private static string? Reason(string body)
    {
        using var problem = JsonDocument.Parse(body);
        return problem.RootElement.GetProperty("reason").GetString();
    }
}
