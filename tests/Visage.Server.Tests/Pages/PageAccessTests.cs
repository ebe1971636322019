using System.Net;
using System.Reflection;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.Extensions.DependencyInjection;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Server.Identity;
using Visage.Server.Pages;
using Visage.Server.Tests.Identity;

namespace Visage.Server.Tests.Pages;

/// <summary>
/// The pages over plain HTTPS: their forms need the built-in antiforgery token (a refusal is audited, and changes
/// nothing), they carry the strict content policy, and their styles and scripts are Visage's own files.
/// </summary>
public sealed partial class PageAccessTests : IAsyncLifetime
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-pages-");
    private ServerHarness server = null!;

    public async Task InitializeAsync() => server = await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"));

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        root.Delete(recursive: true);
    }

    [Fact]
    public async Task SignOutForm_WithoutItsAntiforgeryToken_IsRefusedAndAudited_AndWithItEndsTheSession()
    {
        var (userId, browser) = await BrowserSessionAsync(Roles.FrontDesk);
        using var _ = browser;

        using var forged = await browser.PostAsync(new Uri(PageRoutes.SignOut, UriKind.Relative), new FormUrlEncodedContent([]));
        using var stillIn = await browser.GetAsync(new Uri("/api/v1/session", UriKind.Relative));
        var token = AntiforgeryField().Match(await browser.GetStringAsync(new Uri(PageRoutes.SignOut, UriKind.Relative))).Groups[1].Value;
        using var signOut = await browser.PostAsync(new Uri(PageRoutes.SignOut, UriKind.Relative), new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        using var after = await browser.GetAsync(new Uri("/api/v1/session", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(PageRoutes.DeniedBecause(IdentityCodes.CsrfMissing), forged.RequestMessage!.RequestUri!.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        Assert.NotEmpty(token);
        Assert.Equal(PageRoutes.SignInBecause(SignInModel.SignedOut), signOut.RequestMessage!.RequestUri!.PathAndQuery);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        var records = await server.AuditRecordsAsync();
        Assert.Contains(records, r => r.Action == "staff.sign-out" && r.Actor == userId && r.Outcome == AuditedOperation.Refused && r.Reason == IdentityCodes.CsrfMissing);
        Assert.Contains(records, r => r.Action == "staff.sign-out" && r.Actor == userId && r.Outcome == AuditedOperation.Success);
    }

    [Fact]
    public async Task PairedKiosk_HoldsItsKeyInAnHttpOnlyCookie_AndItsApiCallsNeedThePagesCsrfToken()
    {
        var (_, key) = await server.Services.GetRequiredService<ApiKeys>().CreateAsync(new AuditActor("test-admin", Roles.Administrator), "lobby kiosk", [Roles.Kiosk], Visage.Gallery.Purposes.CheckIn, 30);
        var cookies = new CookieContainer();
        using var kiosk = server.Client(cookies);
        var form = AntiforgeryField().Match(await kiosk.GetStringAsync(new Uri(PageRoutes.KioskPairing, UriKind.Relative))).Groups[1].Value;

        using var paired = await kiosk.PostAsync(new Uri(PageRoutes.KioskPairing, UriKind.Relative), new FormUrlEncodedContent([new("__RequestVerificationToken", form), new("DeviceKey", key)]));
        var page = await paired.Content.ReadAsStringAsync();
        using var forged = await kiosk.PostAsync(new Uri("/api/v1/liveness/challenges", UriKind.Relative), null);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/liveness/challenges", UriKind.Relative));
        request.Headers.Add(AccessGate.CsrfHeader, KioskCsrf().Match(page).Groups[1].Value);
        using var sent = await kiosk.SendAsync(request);

        Assert.Equal(PageRoutes.Kiosk, paired.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.DoesNotContain(key, page, StringComparison.Ordinal);
        var cookie = Assert.Single(cookies.GetAllCookies(), c => c.Name == CredentialResolver.KioskCookie);
        Assert.True(cookie.HttpOnly && cookie.Secure);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(IdentityCodes.CsrfMissing, await SignInTests.ReasonAsync(forged));
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        Assert.Contains(await server.AuditRecordsAsync(), r => r.Action == Visage.Server.Pages.Kiosk.KioskPairingModel.Action && r.Outcome == AuditedOperation.Success && r.ActorRole == Roles.Kiosk);
    }

    [Fact]
    public async Task SignInForm_WithoutAnAntiforgeryToken_Is400_AndSignsNoOneIn()
    {
        var accounts = server.Services.GetRequiredService<StaffAccounts>();
        var link = await accounts.IssueSetupLinkAsync(new AuditActor("test-admin", Roles.Administrator), "clerk.form", [Roles.FrontDesk]);
        var setup = await accounts.CompleteSetupAsync(link, "clerk.form", ServerHarness.StaffPassword);
        using var client = server.Client(new CookieContainer());

        using var response = await client.PostAsync(new Uri(PageRoutes.SignIn, UriKind.Relative), new FormUrlEncodedContent([new("UserId", "clerk.form"), new("Password", ServerHarness.StaffPassword), new("Code", server.TotpNow(setup.TotpSecret))]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(await server.AuditRecordsAsync(), r => r.Action == "staff.sign-in" && r.Actor == "clerk.form");
        Assert.False((await accounts.FindAsync("clerk.form"))!.MfaConfirmed);
    }

    [Theory]
    [InlineData(PageRoutes.SignIn)]
    [InlineData(PageRoutes.Setup)]
    public async Task APage_HasTheStrictPolicy_NoInlineScriptOrStyle_AndItsAssetsAreServedByVisage(string path)
    {
        using var client = server.Client();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("default-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", html);
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
        var assets = AssetReference().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(PageRoutes.Assets + "/site.css", assets);
        foreach (var asset in assets)
        {
            using var served = await client.GetAsync(new Uri(asset, UriKind.Relative));
            Assert.True(served.StatusCode == HttpStatusCode.OK, asset);
            Assert.Equal(asset.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript", served.Content.Headers.ContentType!.MediaType);
        }
    }

    [Fact]
    public void APageModel_WithoutADeclaration_GetsNone_SoStartUpRefusesIt()
    {
        var undeclared = new PageApplicationModel(new Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor(), typeof(PageAccessTests).GetTypeInfo(), []);
        var declared = new PageApplicationModel(new Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor(), typeof(HomeModel).GetTypeInfo(), typeof(HomeModel).GetCustomAttributes(inherit: false));

        new PageDeclarationConvention().Apply(undeclared);
        new PageDeclarationConvention().Apply(declared);

        Assert.DoesNotContain(undeclared.EndpointMetadata, m => m is EndpointDeclaration);
        Assert.Equal(Permissions.Self, Assert.Single(declared.EndpointMetadata.OfType<EndpointDeclaration>()).Permission);
    }

    /// <summary>A client holding a browser's session: the HttpOnly cookie from a browser sign-in, no bearer token.</summary>
    private async Task<(string UserId, HttpClient Client)> BrowserSessionAsync(params string[] roles)
    {
        var userId = "clerk-" + Guid.NewGuid().ToString("N")[..8];
        var accounts = server.Services.GetRequiredService<StaffAccounts>();
        var link = await accounts.IssueSetupLinkAsync(new AuditActor("test-admin", Roles.Administrator), userId, roles);
        var setup = await accounts.CompleteSetupAsync(link, userId, ServerHarness.StaffPassword);
        var client = server.Client(new CookieContainer());
        using var signIn = await client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new SignInRequest(userId, ServerHarness.StaffPassword, server.TotpNow(setup.TotpSecret), null, Browser: true));
        signIn.EnsureSuccessStatusCode();
        return (userId, client);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("data-csrf=\"([^\"]+)\"")]
    private static partial Regex KioskCsrf();

    [GeneratedRegex("(?:href|src)=\"(/assets/[^\"]+)\"")]
    private static partial Regex AssetReference();
}
