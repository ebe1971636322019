using System.Net;
using System.Net.Http.Json;
using Visage.Server.Access;
using Visage.Server.Retention;
using Visage.Server.Tests.Oversight;
using Visage.Storage;
using Visage.Workflows.Retention;

namespace Visage.Server.Tests.Retention;

/// <summary>Retention over HTTPS: a privacy officer runs it now and lists the runs with their signed certificates checked.</summary>
[Collection(OversightCollection.Name)]
public sealed class RetentionApiTests(OversightServer oversight)
{
    [Fact]
    public async Task Run_IsSignedAndStored_AndTheRunsListShowsItsCertificateValid()
    {
        var (officer, officerId) = await oversight.StaffAsync(Roles.PrivacyOfficer);
        using var _ = officer;

        using var run = await officer.PostAsync(new Uri("/api/v1/retention/runs", UriKind.Relative), null);
        var done = (await run.Content.ReadFromJsonAsync<RetentionRunDone>(OversightServer.Json))!;
        var runs = await officer.GetFromJsonAsync<List<RetentionRunView>>(new Uri("/api/v1/retention/runs", UriKind.Relative), OversightServer.Json);

        Assert.Equal(HttpStatusCode.Created, run.StatusCode);
        // Everyone enrolled has a consent in force and was enrolled today: nothing is due.
        Assert.Equal((0, 0, 0, 0), (done.ExpiredConsents, done.UnconsentedSubjects, done.ProbeImages, done.InactiveSubjects));
        var publicKey = (await oversight.Get<ProtectedStoreLifetime>().OpenAsync()).Keys.ExportSigningPublicKey();
        Assert.True(RetentionReport.Verify(done.Certificate, Convert.FromBase64String(done.Signature), publicKey));
        Assert.Contains(officerId, done.Certificate, StringComparison.Ordinal);
        var listed = Assert.Single(runs!, r => r.RunId == done.RunId);
        Assert.True(listed.SignatureValid);
        Assert.Equal(done.Certificate, listed.Certificate);
        var records = await oversight.RecordsOfAsync(officerId);
        Assert.Contains(records, r => r is { Action: RetentionRun.Action, Outcome: "success" });
        Assert.Contains(records, r => r is { Action: "retention.runs.read", Outcome: "success" });
    }

    [Fact]
    public async Task Run_ByAReviewer_IsForbidden_AndNothingRuns()
    {
        var (reviewer, _) = await oversight.StaffAsync(Roles.Reviewer);
        var (officer, _) = await oversight.StaffAsync(Roles.PrivacyOfficer);
        using var a = reviewer;
        using var b = officer;
        var before = (await officer.GetFromJsonAsync<List<RetentionRunView>>(new Uri("/api/v1/retention/runs", UriKind.Relative), OversightServer.Json))!.Count;

        using var run = await reviewer.PostAsync(new Uri("/api/v1/retention/runs", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Forbidden, run.StatusCode);
        Assert.Equal(before, (await officer.GetFromJsonAsync<List<RetentionRunView>>(new Uri("/api/v1/retention/runs", UriKind.Relative), OversightServer.Json))!.Count);
    }
}
