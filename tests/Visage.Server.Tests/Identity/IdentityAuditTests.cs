using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.Identity;
using Visage.Storage;

namespace Visage.Server.Tests.Identity;

/// <summary>
/// Every identity operation leaves its records in the audit log, with who acted in which role, the outcome and the
/// reason code, and never a password, a TOTP code or a token: set-up links, set-up, sign-in (refused and done), API keys,
/// elevations, the access review, disabling, sign-out, and a refusal by the access gate.
/// </summary>
public sealed class IdentityAuditTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-identity-audit-");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public async Task EachIdentityOperation_IsAudited_WithActorRoleOutcomeAndReason_AndNoSecret()
    {
        await using var server = await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"));
        var (adminId, admin) = await server.StaffAccountAsync(Roles.Administrator);
        using var _ = admin;
        using var link = await admin.PostAsJsonAsync(new Uri("/api/v1/staff", UriKind.Relative), new NewStaffRequest("clerk.audit", [Roles.FrontDesk]));
        var token = (await link.Content.ReadFromJsonAsync<SetupLinkIssued>())!.SetupToken;
        using var client = server.Client();
        using var setup = await client.PostAsJsonAsync(new Uri("/api/v1/setup", UriKind.Relative), new SetupRequest(token, "clerk.audit", ServerHarness.StaffPassword));
        var seed = (await setup.Content.ReadFromJsonAsync<AccountSetup>())!.TotpSecret;
        using var wrong = await client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new SignInRequest("clerk.audit", "not the password at all", "000000", null));
        using var signIn = await client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new SignInRequest("clerk.audit", ServerHarness.StaffPassword, server.TotpNow(seed), null));
        var session = (await signIn.Content.ReadFromJsonAsync<SignedIn>())!.Token!;
        client.DefaultRequestHeaders.Authorization = new("Bearer", session);
        using var forbidden = await client.GetAsync(new Uri("/api/v1/access-review", UriKind.Relative));
        using var key = await admin.PostAsJsonAsync(new Uri("/api/v1/api-keys", UriKind.Relative), new NewApiKeyRequest("lobby kiosk", [Roles.Kiosk], ["check-in"], 30));
        var created = (await key.Content.ReadFromJsonAsync<ApiKeyCreated>(new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))!;
        using var revoke = await admin.DeleteAsync(new Uri($"/api/v1/api-keys/{created.Key.Id}", UriKind.Relative));
        // The administrator who issued the account's link may not elevate it; another administrator may.
        using var ownElevation = await admin.PostAsJsonAsync(new Uri("/api/v1/staff/clerk.audit/elevations", UriKind.Relative), new ElevationRequest(Roles.Reviewer, 10, "covering the queue"));
        var (secondAdminId, secondAdmin) = await server.StaffAccountAsync(Roles.Administrator);
        using var __ = secondAdmin;
        using var elevate = await secondAdmin.PostAsJsonAsync(new Uri("/api/v1/staff/clerk.audit/elevations", UriKind.Relative), new ElevationRequest(Roles.Reviewer, 10, "covering the queue"));
        using var review = await admin.GetAsync(new Uri("/api/v1/access-review", UriKind.Relative));
        using var signOut = await client.DeleteAsync(new Uri("/api/v1/session", UriKind.Relative));
        using var disable = await admin.DeleteAsync(new Uri("/api/v1/staff/clerk.audit", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, disable.StatusCode);

        var records = await server.AuditRecordsAsync();
        void Has(string action, string outcome, string actor, string role, string? reasonStart = null) => Assert.Contains(
            records,
            r => r.Action == action && r.Outcome == outcome && r.Actor == actor && r.ActorRole == role && (reasonStart is null || (r.Reason ?? string.Empty).StartsWith(reasonStart, StringComparison.Ordinal)));

        Has("staff.setup-link", AuditedOperation.Success, adminId, Roles.Administrator, "one-time link for front-desk");
        Has("staff.setup", AuditedOperation.Success, "clerk.audit", "setup", "account created");
        Has("staff.sign-in", AuditedOperation.Refused, "clerk.audit", "sign-in", "bad-credentials: wrong password; 1 failed in a row");
        Has("staff.sign-in", AuditedOperation.Success, "clerk.audit", Roles.FrontDesk, "signed in with TOTP");
        Has("access-review.read", AuditedOperation.Refused, "clerk.audit", Roles.FrontDesk, IdentityCodes.ForbiddenRole);
        Has("apikey.create", AuditedOperation.Success, adminId, Roles.Administrator, $"key {created.Key.Id} valid 30 days");
        Has("apikey.revoke", AuditedOperation.Success, adminId, Roles.Administrator, $"key {created.Key.Id} revoked");
        Has("role.elevate", AuditedOperation.Refused, adminId, Roles.Administrator, IdentityCodes.BadElevation);
        Has("role.elevate", AuditedOperation.Success, secondAdminId, Roles.Administrator, "elevation ");
        Has("access-review.read", AuditedOperation.Success, adminId, Roles.Administrator);
        Has("staff.sign-out", AuditedOperation.Success, "clerk.audit", Roles.FrontDesk, "session ended");
        Has("staff.disable", AuditedOperation.Success, adminId, Roles.Administrator, "account disabled");
        Assert.Contains(records, r => r.Action == "role.elevate" && r.Subject == "clerk.audit");
        var text = string.Join("\n", records.Select(r => $"{r.Reason} {r.Subject}"));
        Assert.DoesNotContain(ServerHarness.StaffPassword, text, StringComparison.Ordinal);
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(session, text, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(seed, text, StringComparison.Ordinal);
    }
}
