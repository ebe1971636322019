using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Server.Identity;
using Visage.Storage.Tests;

namespace Visage.Server.Tests.Identity;

/// <summary>
/// Credentials over real HTTPS: the idle timeout, API keys (scope, revocation, expiry), just-in-time elevation that ends
/// by itself, the access review, disabling an account, CSRF for a browser's cookie session and the sign-in rate limit.
/// Two endpoints exist only in this test, so these rules are checked apart from any area's handlers.
/// </summary>
public abstract class CredentialTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-credentials-");
    private readonly TestClock clock = new();

    public void Dispose()
    {
        root.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The store's settings beyond the data directory (none for SQLite).</summary>
    protected abstract Task<Dictionary<string, string?>> StoreSettingsAsync();

    [Fact]
    public async Task ASession_UnusedFor15Minutes_Ends_ButUseKeepsItAlive()
    {
        await using var server = await StartAsync();
        using var client = await server.StaffClientAsync(Roles.FrontDesk);

        clock.Advance(TimeSpan.FromMinutes(14));
        using var stillAlive = await client.GetAsync(Me);
        clock.Advance(TimeSpan.FromMinutes(14));
        using var keptAlive = await client.GetAsync(Me);
        clock.Advance(TimeSpan.FromMinutes(16));
        using var idle = await client.GetAsync(Me);

        Assert.Equal(HttpStatusCode.OK, stillAlive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, keptAlive.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, idle.StatusCode);
        Assert.Equal(IdentityCodes.SessionExpired, await SignInTests.ReasonAsync(idle));
    }

    [Fact]
    public async Task AnApiKey_WorksInItsScope_IsRefusedOutsideIt_AndWhenRevokedOrExpired()
    {
        await using var server = await StartAsync();
        using var admin = await server.StaffClientAsync(Roles.Administrator);
        // An integrator holds both check-in and verification by role; the key's scope alone keeps it to check-in.
        var kiosk = await CreateKeyAsync(admin, "registration system", Roles.Integrator, "check-in", 30);
        var revoked = await CreateKeyAsync(admin, "old kiosk", Roles.Kiosk, "check-in", 30);
        using var revoke = await admin.DeleteAsync(new Uri($"/api/v1/api-keys/{revoked.Key.Id}", UriKind.Relative));
        using var kioskClient = Bearer(server, kiosk.Token);
        using var revokedClient = Bearer(server, revoked.Token);

        using var inScope = await kioskClient.PostAsync(CheckInProbe, null);
        using var outOfScope = await kioskClient.PostAsync(StepUpProbe, null);
        using var afterRevocation = await revokedClient.PostAsync(CheckInProbe, null);
        clock.Advance(TimeSpan.FromDays(31));
        using var afterExpiry = await kioskClient.PostAsync(CheckInProbe, null);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.OK, inScope.StatusCode);
        Assert.Equal("apikey-" + kiosk.Key.Id + " as integrator", await inScope.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, outOfScope.StatusCode);
        Assert.Equal(IdentityCodes.PurposeOutOfScope, await SignInTests.ReasonAsync(outOfScope));
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevocation.StatusCode);
        Assert.Equal(IdentityCodes.ApiKeyRevoked, await SignInTests.ReasonAsync(afterRevocation));
        Assert.Equal(HttpStatusCode.Unauthorized, afterExpiry.StatusCode);
        Assert.Equal(IdentityCodes.ApiKeyExpired, await SignInTests.ReasonAsync(afterExpiry));
    }

    [Fact]
    public async Task AnApiKey_CannotHoldAStaffRole()
    {
        await using var server = await StartAsync();
        using var admin = await server.StaffClientAsync(Roles.Administrator);

        using var response = await admin.PostAsJsonAsync(new Uri("/api/v1/api-keys", UriKind.Relative), new NewApiKeyRequest("sneaky", [Roles.PrivacyOfficer], ["check-in"], 30));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(IdentityCodes.BadRoles, await SignInTests.ReasonAsync(response));
        Assert.Empty(await server.Services.GetRequiredService<ApiKeys>().ListAsync());
    }

    [Fact]
    public async Task AnElevation_GrantsTheRoleForItsTime_ThenEndsByItself_AndTheAccessReviewShowsIt()
    {
        await using var server = await StartAsync();
        var (adminId, admin) = await server.StaffAccountAsync(Roles.Administrator);
        var (clerkId, clerk) = await server.StaffAccountAsync(Roles.FrontDesk);
        using var _ = admin;
        using var __ = clerk;

        using var before = await clerk.PostAsync(ReviewProbe, null);
        using var self = await admin.PostAsJsonAsync(new Uri($"/api/v1/staff/{adminId}/elevations", UriKind.Relative), new ElevationRequest(Roles.Reviewer, 10, "covering the review queue"));
        using var grant = await admin.PostAsJsonAsync(new Uri($"/api/v1/staff/{clerkId}/elevations", UriKind.Relative), new ElevationRequest(Roles.Reviewer, 10, "covering the review queue"));
        using var during = await clerk.PostAsync(ReviewProbe, null);
        using var issued = await admin.PostAsJsonAsync(new Uri("/api/v1/staff", UriKind.Relative), new NewStaffRequest("clerk.own", [Roles.FrontDesk]));
        var link = await issued.Content.ReadFromJsonAsync<SetupLinkIssued>();
        await server.Services.GetRequiredService<StaffAccounts>().CompleteSetupAsync(link!.SetupToken, "clerk.own", ServerHarness.StaffPassword);
        using var own = await admin.PostAsJsonAsync(new Uri("/api/v1/staff/clerk.own/elevations", UriKind.Relative), new ElevationRequest(Roles.Clinician, 10, "covering the ward"));
        var review = await admin.GetFromJsonAsync<AccessReview>(new Uri("/api/v1/access-review", UriKind.Relative), Json);
        clock.Advance(TimeSpan.FromMinutes(11));
        using var after = await clerk.PostAsync(ReviewProbe, null);
        using var again = await admin.PostAsJsonAsync(new Uri($"/api/v1/staff/{clerkId}/elevations", UriKind.Relative), new ElevationRequest(Roles.Reviewer, 10, "second shift"));
        var second = await again.Content.ReadFromJsonAsync<RoleElevation>(Json);
        using var endEarly = await admin.DeleteAsync(new Uri($"/api/v1/staff/{clerkId}/elevations/{second!.Id}", UriKind.Relative));
        using var afterEnd = await clerk.PostAsync(ReviewProbe, null);
        using var endTwice = await admin.DeleteAsync(new Uri($"/api/v1/staff/{clerkId}/elevations/{second.Id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
        Assert.Equal(IdentityCodes.BadElevation, await SignInTests.ReasonAsync(self));
        Assert.Equal(HttpStatusCode.Created, grant.StatusCode);
        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Equal(IdentityCodes.BadElevation, await SignInTests.ReasonAsync(own));
        Assert.Equal(clerkId + " as reviewer", await during.Content.ReadAsStringAsync());
        var clerkRow = review!.Accounts.Single(a => a.UserId == clerkId);
        Assert.Equal([Roles.FrontDesk], clerkRow.Roles);
        Assert.Equal([Roles.Reviewer], clerkRow.ElevatedRoles);
        Assert.Equal(adminId, review.Elevations.Single().GrantedBy);
        Assert.NotNull(clerkRow.LastUsed);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, endEarly.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, afterEnd.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, endTwice.StatusCode);
    }

    [Fact]
    public async Task DisablingAnAccount_EndsItsSessions()
    {
        await using var server = await StartAsync();
        using var admin = await server.StaffClientAsync(Roles.Administrator);
        var (clerkId, clerk) = await server.StaffAccountAsync(Roles.FrontDesk);
        using var _ = clerk;

        using var disable = await admin.DeleteAsync(new Uri($"/api/v1/staff/{clerkId}", UriKind.Relative));
        using var afterwards = await clerk.GetAsync(Me);
        using var again = await admin.DeleteAsync(new Uri($"/api/v1/staff/{clerkId}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, disable.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterwards.StatusCode);
        Assert.Equal(IdentityCodes.SessionExpired, await SignInTests.ReasonAsync(afterwards));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task ABrowserSession_ChangesNothingWithoutItsCsrfToken()
    {
        await using var server = await StartAsync();
        var accounts = server.Services.GetRequiredService<StaffAccounts>();
        var link = await accounts.IssueSetupLinkAsync(new("test-admin", Roles.Administrator), "clerk.browser", [Roles.FrontDesk]);
        var setup = await accounts.CompleteSetupAsync(link, "clerk.browser", ServerHarness.StaffPassword);
        var cookies = new CookieContainer();
        using var browser = server.Client(cookies);
        using var signIn = await browser.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new SignInRequest("clerk.browser", ServerHarness.StaffPassword, server.TotpNow(setup.TotpSecret), null, Browser: true));
        var session = await signIn.Content.ReadFromJsonAsync<SignedIn>();

        using var read = await browser.GetAsync(Me);
        // A cross-site form post rides on the cookie but cannot know the token: refused before anything is read or stored.
        using var formPost = await browser.PostAsync(new Uri($"/api/v1/subjects/{Guid.NewGuid()}/enrolment", UriKind.Relative), new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "images", "face.jpg" } });
        using var forged = await browser.DeleteAsync(Me);
        using var withToken = new HttpRequestMessage(HttpMethod.Delete, Me) { Headers = { { AccessGate.CsrfHeader, session!.CsrfToken } } };
        using var signedOut = await browser.SendAsync(withToken);

        Assert.Null(session.Token);
        Assert.Contains("HttpOnly", signIn.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", signIn.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, formPost.StatusCode);
        Assert.Equal(IdentityCodes.CsrfMissing, await SignInTests.ReasonAsync(formPost));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(IdentityCodes.CsrfMissing, await SignInTests.ReasonAsync(forged));
        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
    }

    [Fact]
    public async Task SignIns_FromOneAddress_AreRateLimited_WithRetryAfter()
    {
        var settings = await StoreSettingsAsync();
        settings["Server:SignInsPerMinute"] = "3";
        await using var server = await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"), settings: settings);
        using var client = server.Client();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new SignInRequest("nobody", "wrong password here", "123456", null));
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal("rate-limited", await SignInTests.ReasonAsync(last!));
        Assert.NotNull(last!.Headers.RetryAfter);
        last.Dispose();
    }

    private static readonly Uri Me = new("/api/v1/session", UriKind.Relative);
    private static readonly Uri CheckInProbe = new("/test/check-in", UriKind.Relative);
    private static readonly Uri StepUpProbe = new("/test/step-up", UriKind.Relative);
    private static readonly Uri ReviewProbe = new("/test/review", UriKind.Relative);
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    private async Task<ServerHarness> StartAsync() => await ServerHarness.StartAsync(
        Path.Combine(root.FullName, "data"),
        app =>
        {
            app.MapPost("/test/check-in", Acting).Declare(Permissions.CheckIn, "test.check-in", Purposes.CheckIn);
            app.MapPost("/test/step-up", Acting).Declare(Permissions.Verify, "test.step-up", Purposes.StepUp);
            app.MapPost("/test/review", Acting).Declare(Permissions.ReviewRead, "test.review");
        },
        settings: await StoreSettingsAsync(),
        time: clock);

    private static string Acting(HttpContext context) => $"{context.Actor().Id} as {context.Actor().Role}";

    private static async Task<ApiKeyCreated> CreateKeyAsync(HttpClient admin, string name, string role, string purpose, int days)
    {
        using var response = await admin.PostAsJsonAsync(new Uri("/api/v1/api-keys", UriKind.Relative), new NewApiKeyRequest(name, [role], [purpose], days));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ApiKeyCreated>(Json))!;
    }

    private static HttpClient Bearer(ServerHarness server, string token)
    {
        var client = server.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }
}

public sealed class SqliteCredentialTests : CredentialTests
{
    protected override Task<Dictionary<string, string?>> StoreSettingsAsync() => Task.FromResult(new Dictionary<string, string?>());
}

public sealed class PostgresCredentialTests(PostgresCluster cluster) : CredentialTests, IClassFixture<PostgresCluster>
{
    protected override async Task<Dictionary<string, string?>> StoreSettingsAsync() =>
        new() { ["Storage:Provider"] = "postgres", ["Storage:Postgres"] = await cluster.CreateDatabaseAsync() };
}
