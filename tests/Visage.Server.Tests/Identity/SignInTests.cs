using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Visage.Server.Access;
using Visage.Server.Identity;

namespace Visage.Server.Tests.Identity;

/// <summary>First-run set-up, sign-in with TOTP, its refusals and the lockout, over real Kestrel.</summary>
public sealed class SignInTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-signin-");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public async Task FirstRun_LinkCreatesTheAdministrator_WhoSignsInWithTotp_AndTheLinkIsSpent()
    {
        await using var server = await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"));
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
        await using var server = await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"));
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
        await using var server = await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"));
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
        await using var server = await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"));
        var link = await server.Services.GetRequiredService<StaffAccounts>().IssueSetupLinkAsync(new("test-admin", Roles.Administrator), "clerk.c", [Roles.FrontDesk]);
        using var client = server.Client();

        using var weak = await client.PostAsJsonAsync(new Uri("/api/v1/setup", UriKind.Relative), new SetupRequest(link, "clerk.c", "short"));
        using var good = await client.PostAsJsonAsync(new Uri("/api/v1/setup", UriKind.Relative), new SetupRequest(link, "clerk.c", ServerHarness.StaffPassword));

        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Equal(IdentityCodes.WeakPassword, await ReasonAsync(weak));
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
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
