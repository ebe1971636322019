using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Visage.Server.Access;
using Visage.Server.Identity;
using Visage.Storage.Tests;

namespace Visage.Server.Tests.Identity;

/// <summary>First-run set-up, sign-in with TOTP, its refusals and the lockout, over real Kestrel, on SQLite and PostgreSQL.</summary>
public abstract class SignInTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-signin-");

    public void Dispose()
    {
        root.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The store's settings beyond the data directory (none for SQLite).</summary>
    protected abstract Task<IReadOnlyDictionary<string, string?>?> StoreSettingsAsync();

    private async Task<ServerHarness> StartAsync() => await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"), settings: await StoreSettingsAsync());

    [Fact]
    public async Task FirstRun_LinkCreatesTheAdministrator_WhoSignsInWithTotp_AndTheLinkIsSpent()
    {
        await using var server = await StartAsync();
        var accounts = server.Services.GetRequiredService<StaffAccounts>();
        var link = await accounts.FirstRunLinkAsync();
        Assert.NotNull(link);
        using var client = server.Client();

        using var setup = await client.PostAsJsonAsync(new Uri("/api/v1/setup", UriKind.Relative), new SetupRequest(link, "admin.one", ServerHarness.StaffPassword));
        var created = await setup.Content.ReadFromJsonAsync<AccountSetup>();
        using var again = await client.PostAsJsonAsync(new Uri("/api/v1/setup", UriKind.Relative), new SetupRequest(link, "admin.two", ServerHarness.StaffPassword));
        using var noCode = await client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new SignInRequest("admin.one", ServerHarness.StaffPassword, null, null));
        using var signIn = await client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new SignInRequest("admin.one", ServerHarness.StaffPassword, ServerHarness.Totp(created!.TotpSecret), null));
        var session = await signIn.Content.ReadFromJsonAsync<SignedIn>();

        Assert.Equal(HttpStatusCode.Created, setup.StatusCode);
        Assert.Equal([Roles.Administrator], created.Roles);
        Assert.Equal(10, created.RecoveryCodes.Count);
        Assert.StartsWith("otpauth://totp/Visage:admin.one?secret=", created.OtpAuthUri, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal(IdentityCodes.SetupLinkInvalid, await ReasonAsync(again));
        Assert.Equal(HttpStatusCode.Unauthorized, noCode.StatusCode);
        Assert.Equal(IdentityCodes.MfaRequired, await ReasonAsync(noCode));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Null(await accounts.FirstRunLinkAsync());

        client.DefaultRequestHeaders.Authorization = new("Bearer", session!.Token);
        var me = await client.GetFromJsonAsync<CallerView>(new Uri("/api/v1/session", UriKind.Relative));
        Assert.Equal("admin.one", me!.Id);
        Assert.Equal([Roles.Administrator], me.Roles);
    }

    [Fact]
    public async Task ATotpCode_IsGoodOnce_AndARecoveryCodeOnce()
    {
        await using var server = await StartAsync();
        var (setup, client) = await NewAccountAsync(server, "clerk.a", Roles.FrontDesk);
        using var _ = client;
        var code = ServerHarness.Totp(setup.TotpSecret);

        using var first = await SignInAsync(client, "clerk.a", code, null);
        using var replay = await SignInAsync(client, "clerk.a", code, null);
        using var recovery = await SignInAsync(client, "clerk.a", null, setup.RecoveryCodes[3]);
        using var recoveryAgain = await SignInAsync(client, "clerk.a", null, setup.RecoveryCodes[3]);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal(IdentityCodes.TotpReused, await ReasonAsync(replay));
        Assert.Equal(HttpStatusCode.OK, recovery.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, recoveryAgain.StatusCode);
        Assert.Equal(IdentityCodes.BadCredentials, await ReasonAsync(recoveryAgain));
    }

    [Fact]
    public async Task FailedSignIns_LockTheAccount_EvenForTheRightPassword_WithRetryAfter()
    {
        await using var server = await StartAsync();
        var (setup, client) = await NewAccountAsync(server, "clerk.b", Roles.FrontDesk);
        using var _ = client;
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new SignInRequest("clerk.b", "not the password at all", "000000", null));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var locked = await SignInAsync(client, "clerk.b", ServerHarness.Totp(setup.TotpSecret), null);

        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal(IdentityCodes.AccountLocked, await ReasonAsync(locked));
        Assert.True(int.Parse(locked.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
    }

    [Fact]
    public async Task AWeakPassword_IsRefused_AndTheLinkStaysUsable()
    {
        await using var server = await StartAsync();
        var link = await server.Services.GetRequiredService<StaffAccounts>().IssueSetupLinkAsync(new("test-admin", Roles.Administrator), "clerk.c", [Roles.FrontDesk]);
        using var client = server.Client();

        using var weak = await client.PostAsJsonAsync(new Uri("/api/v1/setup", UriKind.Relative), new SetupRequest(link, "clerk.c", "short"));
        using var good = await client.PostAsJsonAsync(new Uri("/api/v1/setup", UriKind.Relative), new SetupRequest(link, "clerk.c", ServerHarness.StaffPassword));

        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Equal(IdentityCodes.WeakPassword, await ReasonAsync(weak));
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
    }

    [Fact]
    public async Task OnlyTheNewestFirstRunLink_Works_AndRedeemingItSpendsEveryOther()
    {
        await using var server = await StartAsync();
        var accounts = server.Services.GetRequiredService<StaffAccounts>();
        var printedEarlier = await accounts.FirstRunLinkAsync();
        var printedNow = await accounts.FirstRunLinkAsync();
        using var client = server.Client();

        using var stale = await client.PostAsJsonAsync(new Uri("/api/v1/setup", UriKind.Relative), new SetupRequest(printedEarlier!, "admin.early", ServerHarness.StaffPassword));
        using var fresh = await client.PostAsJsonAsync(new Uri("/api/v1/setup", UriKind.Relative), new SetupRequest(printedNow!, "admin.now", ServerHarness.StaffPassword));

        Assert.Equal(IdentityCodes.SetupLinkInvalid, await ReasonAsync(stale));
        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);
        Assert.Null(await accounts.FindAsync("admin.early"));
    }

    [Fact]
    public async Task NoCode_IsRefusedBeforeThePasswordIsChecked_SoTheAnswerNeverConfirmsAPassword()
    {
        await using var server = await StartAsync();
        var (_, client) = await NewAccountAsync(server, "clerk.d", Roles.FrontDesk);
        using var _ = client;

        using var right = await client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new SignInRequest("clerk.d", ServerHarness.StaffPassword, null, null));
        using var wrong = await client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new SignInRequest("clerk.d", "a wrong password here", null, null));

        Assert.Equal(IdentityCodes.MfaRequired, await ReasonAsync(right));
        Assert.Equal(IdentityCodes.MfaRequired, await ReasonAsync(wrong));
    }

    [Fact]
    public async Task GuessesSentAtOnce_EachCount_AndOneRecoveryCodeUsedTwiceAtOnce_SignsInOnce()
    {
        await using var server = await StartAsync();
        var (setup, client) = await NewAccountAsync(server, "clerk.e", Roles.FrontDesk);
        using var _ = client;

        var together = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => SignInAsync(client, "clerk.e", null, setup.RecoveryCodes[0])));
        var guesses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new SignInRequest("clerk.e", "not the password at all", "000000", null))));
        var account = await server.Services.GetRequiredService<StaffAccounts>().FindAsync("clerk.e");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Unauthorized], together.Select(r => r.StatusCode).Order());
        Assert.NotNull(account!.LockedUntil);
        Assert.All(together.Concat(guesses), r => r.Dispose());
    }

    [Fact]
    public async Task ANewLinkForAPerson_VoidsTheEarlierOne_AndTheWholePrintedLinkWorksAsTheToken()
    {
        await using var server = await StartAsync();
        var accounts = server.Services.GetRequiredService<StaffAccounts>();
        var first = await accounts.IssueSetupLinkAsync(new("test-admin", Roles.Administrator), "clerk.f", [Roles.FrontDesk]);
        var second = await accounts.IssueSetupLinkAsync(new("test-admin", Roles.Administrator), "clerk.f", [Roles.FrontDesk]);
        using var client = server.Client();

        using var voided = await client.PostAsJsonAsync(new Uri("/api/v1/setup", UriKind.Relative), new SetupRequest(first, "clerk.f", ServerHarness.StaffPassword));
        using var whole = await client.PostAsJsonAsync(new Uri("/api/v1/setup", UriKind.Relative), new SetupRequest("https://127.0.0.1:8443" + IdentityApi.SetupPath(second), "clerk.f", ServerHarness.StaffPassword));

        Assert.Equal(IdentityCodes.SetupLinkInvalid, await ReasonAsync(voided));
        Assert.Equal(HttpStatusCode.Created, whole.StatusCode);
    }

    [Fact]
    public async Task AMisspelledField_IsRefusedByItsName_NotBlamedOnAnotherField()
    {
        await using var server = await StartAsync();
        using var client = server.Client();

        using var typo = await client.PostAsync(new Uri("/api/v1/session", UriKind.Relative), new StringContent("""{"userId":"clerk.g","passwrd":"x","totp":"123456"}""", System.Text.Encoding.UTF8, "application/json"));
        var body = await typo.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, typo.StatusCode);
        Assert.Equal("bad-request", await ReasonAsync(typo));
        Assert.Contains("passwrd", body, StringComparison.Ordinal);
    }

    internal static async Task<string?> ReasonAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.TryGetProperty("reason", out var reason) ? reason.GetString() : null;
    }

    private static async Task<(AccountSetup Setup, HttpClient Client)> NewAccountAsync(ServerHarness server, string userId, string role)
    {
        var accounts = server.Services.GetRequiredService<StaffAccounts>();
        var link = await accounts.IssueSetupLinkAsync(new("test-admin", Roles.Administrator), userId, [role]);
        return (await accounts.CompleteSetupAsync(link, userId, ServerHarness.StaffPassword), server.Client());
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string userId, string? totp, string? recovery) =>
        client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new SignInRequest(userId, ServerHarness.StaffPassword, totp, recovery));
}

public sealed class SqliteSignInTests : SignInTests
{
    protected override Task<IReadOnlyDictionary<string, string?>?> StoreSettingsAsync() => Task.FromResult<IReadOnlyDictionary<string, string?>?>(null);
}

public sealed class PostgresSignInTests(PostgresCluster cluster) : SignInTests, IClassFixture<PostgresCluster>
{
    protected override async Task<IReadOnlyDictionary<string, string?>?> StoreSettingsAsync() =>
        new Dictionary<string, string?> { ["Storage:Provider"] = "postgres", ["Storage:Postgres"] = await cluster.CreateDatabaseAsync() };
}
