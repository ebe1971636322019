using System.Net;
using System.Net.Http.Json;
using System.Text;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.People;

namespace Visage.Server.Tests.People;

/// <summary>Registering people, reading them with and without their details, finding them by MRN, over real Kestrel.</summary>
[Collection(PeopleServer.Collection)]
public sealed class PeopleApiTests(PeopleServer shared)
{
    private const string Name = "Maria Exampleperson";
    private static readonly DateOnly BirthDate = new(1961, 4, 12);

    private ServerHarness Server => shared.Server;

    [Fact]
    public async Task Register_GivesOnlyTheOpaqueId_AndOnlyTheDetailsReadShowsTheDetails_EachAudited()
    {
        var desk = shared.Desk;
        var officer = shared.Officer;
        var mrn = PeopleServer.NewMrn();
        var withoutDetails = new List<string>();

        using var registered = await desk.PostAsJsonAsync(Uri("/api/v1/subjects"), new RegisterSubjectRequest("patient", Name, BirthDate, mrn, "EHR-55120"));
        withoutDetails.Add(await registered.Content.ReadAsStringAsync() + registered.Headers.Location);
        var person = await registered.Content.ReadFromJsonAsync<SubjectView>();
        var id = person!.Id;
        using var shown = await desk.GetAsync(Uri($"/api/v1/subjects/{id}"));
        withoutDetails.Add(await shown.Content.ReadAsStringAsync());
        using var found = await desk.PostAsJsonAsync(Uri("/api/v1/subjects/search"), new FindSubjectRequest(mrn));
        withoutDetails.Add(await found.Content.ReadAsStringAsync());
        using var certificates = await officer.GetAsync(Uri($"/api/v1/subjects/{id}/certificates"));
        withoutDetails.Add(await certificates.Content.ReadAsStringAsync());
        using var duplicate = await desk.PostAsJsonAsync(Uri("/api/v1/subjects"), new RegisterSubjectRequest("patient", Name, BirthDate, mrn, null));
        withoutDetails.Add(await duplicate.Content.ReadAsStringAsync());
        using var consents = await desk.GetAsync(Uri($"/api/v1/subjects/{id}/consents"));
        withoutDetails.Add(await consents.Content.ReadAsStringAsync());
        var details = await desk.GetFromJsonAsync<SubjectDetailsView>(Uri($"/api/v1/subjects/{id}/details"));

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal($"/api/v1/subjects/{id}", registered.Headers.Location!.OriginalString);
        Assert.Equal("patient", person.Kind);
        Assert.True(person.HasMrn);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Equal(id, (await shown.Content.ReadFromJsonAsync<SubjectView>())!.Id);
        Assert.Equal([id], (await found.Content.ReadFromJsonAsync<SubjectMatches>())!.Matches.Select(m => m.Id));
        Assert.Equal(HttpStatusCode.OK, certificates.StatusCode);
        Assert.Empty((await certificates.Content.ReadFromJsonAsync<List<DeletionCertificateView>>())!);
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Equal("mrn-already-registered", await PeopleServer.ReasonAsync(duplicate));
        Assert.Equal(HttpStatusCode.OK, consents.StatusCode);
        Assert.Equal(new SubjectDetailsView(id, "patient", Name, BirthDate, mrn, "EHR-55120"), details);
        foreach (var body in withoutDetails)
        {
            Assert.DoesNotContain("Exampleperson", body, StringComparison.Ordinal);
            Assert.DoesNotContain("1961", body, StringComparison.Ordinal);
            Assert.DoesNotContain(mrn, body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("EHR-55120", body, StringComparison.Ordinal);
        }

        var audit = await shared.AuditOfAsync(id);
        foreach (var action in new[] { "subject.add", "subject.read", "subject.find-by-mrn", "subject.details.read", "subject.certificates.read", "consent.read" })
        {
            Assert.Contains(audit, r => r.Action == action && r.Outcome is AuditedOperation.Success or AuditedOperation.Failure && r.ActorRole is Roles.FrontDesk or Roles.PrivacyOfficer);
        }

        Assert.All(audit, r => Assert.DoesNotContain(mrn, r.Reason ?? string.Empty, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Find_AnUnknownMrn_IsAnEmptyMatch_AndAMalformedOneARefusalThatDoesNotRepeatIt()
    {
        var desk = shared.Desk;

        using var unknown = await desk.PostAsJsonAsync(Uri("/api/v1/subjects/search"), new FindSubjectRequest(PeopleServer.NewMrn()));
        using var malformed = await desk.PostAsJsonAsync(Uri("/api/v1/subjects/search"), new FindSubjectRequest("MRN 0048213; DROP"));
        var malformedBody = await malformed.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Empty((await unknown.Content.ReadFromJsonAsync<SubjectMatches>())!.Matches);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("details-refused", await PeopleServer.ReasonAsync(malformed));
        Assert.DoesNotContain("0048213", malformedBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_StaffWithoutDetails_IsAStaffSubjectWithoutMrn()
    {
        var desk = shared.Desk;

        using var registered = await desk.PostAsJsonAsync(Uri("/api/v1/subjects"), new RegisterSubjectRequest("staff", null, null, null, null));
        var person = await registered.Content.ReadFromJsonAsync<SubjectView>();
        var details = await desk.GetFromJsonAsync<SubjectDetailsView>(Uri($"/api/v1/subjects/{person!.Id}/details"));

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal("staff", person.Kind);
        Assert.False(person.HasMrn);
        Assert.Equal(new SubjectDetailsView(person.Id, "staff", null, null, null, null), details);
    }

    [Theory]
    [InlineData("/api/v1/subjects/{0}", "subject.read")]
    [InlineData("/api/v1/subjects/{0}/details", "subject.details.read")]
    [InlineData("/api/v1/subjects/{0}/certificates", "subject.certificates.read")]
    [InlineData("/api/v1/subjects/{0}/consents", "consent.read")]
    public async Task Get_AnUnknownSubject_Is404UnknownSubject_AndANonIdIs400_BothAudited(string route, string action)
    {
        var officer = shared.Officer;
        var unknown = Guid.NewGuid();

        using var missing = await officer.GetAsync(Uri(string.Format(System.Globalization.CultureInfo.InvariantCulture, route, unknown)));
        using var notAnId = await officer.GetAsync(Uri(string.Format(System.Globalization.CultureInfo.InvariantCulture, route, "MRN-12345")));
        var notAnIdBody = await notAnId.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("unknown-subject", await PeopleServer.ReasonAsync(missing));
        Assert.Contains(await shared.AuditOfAsync(unknown), r => r.Action == action && r.Outcome == AuditedOperation.Refused && r.Reason == "unknown-subject");
        Assert.Equal(HttpStatusCode.BadRequest, notAnId.StatusCode);
        Assert.Equal("bad-input", await PeopleServer.ReasonAsync(notAnId));
        Assert.DoesNotContain("12345", notAnIdBody, StringComparison.Ordinal);
        Assert.Contains(await shared.AuditOfAsync(action), r => r.Outcome == AuditedOperation.Refused && r.Reason == "bad-input" && r.Subject is null);
    }

    [Fact]
    public async Task Register_MalformedJsonAKindOrDetailsItRefuses_Is400Problem_ThatNeverRepeatsTheInput()
    {
        var desk = shared.Desk;

        using var malformed = await desk.PostAsync(Uri("/api/v1/subjects"), new StringContent("{\"kind\": \"patient\", \"name\": \"Maria Ex", Encoding.UTF8, "application/json"));
        using var badDate = await desk.PostAsync(Uri("/api/v1/subjects"), new StringContent("{\"kind\": \"patient\", \"birthDate\": \"12/04/1961\"}", Encoding.UTF8, "application/json"));
        using var noKind = await desk.PostAsJsonAsync(Uri("/api/v1/subjects"), new RegisterSubjectRequest(null, Name, BirthDate, null, null));
        using var badMrn = await desk.PostAsJsonAsync(Uri("/api/v1/subjects"), new RegisterSubjectRequest("patient", Name, null, "MRN 77 Exampleperson", null));
        var bodies = string.Concat(await malformed.Content.ReadAsStringAsync(), await badDate.Content.ReadAsStringAsync(), await noKind.Content.ReadAsStringAsync(), await badMrn.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, badDate.StatusCode);
        Assert.Equal("application/problem+json", badDate.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, noKind.StatusCode);
        Assert.Equal("bad-input", await PeopleServer.ReasonAsync(noKind));
        Assert.Equal(HttpStatusCode.BadRequest, badMrn.StatusCode);
        Assert.Equal("details-refused", await PeopleServer.ReasonAsync(badMrn));
        Assert.DoesNotContain("Exampleperson", bodies, StringComparison.Ordinal);
        Assert.DoesNotContain("1961", bodies, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRolesMatrix_DecidesWhoRegistersAndWhoReads()
    {
        using var kiosk = await Server.KeyClientAsync(Visage.Gallery.Purposes.CheckIn, Roles.Kiosk);
        using var integrator = await Server.KeyClientAsync(Visage.Gallery.Purposes.CheckIn, Roles.Integrator);
        var reviewer = shared.Reviewer;
        var desk = shared.Desk;
        var id = await PeopleServer.RegisterAsync(desk, new RegisterSubjectRequest("patient", null, null, null, null));

        using var kioskRegisters = await kiosk.PostAsJsonAsync(Uri("/api/v1/subjects"), new RegisterSubjectRequest("patient", null, null, null, null));
        using var integratorRegisters = await integrator.PostAsJsonAsync(Uri("/api/v1/subjects"), new RegisterSubjectRequest("patient", null, null, PeopleServer.NewMrn(), null));
        using var reviewerReads = await reviewer.GetAsync(Uri($"/api/v1/subjects/{id}/details"));
        using var deskReadsCertificates = await desk.GetAsync(Uri($"/api/v1/subjects/{id}/certificates"));

        Assert.Equal(HttpStatusCode.Forbidden, kioskRegisters.StatusCode);
        Assert.Equal(HttpStatusCode.Created, integratorRegisters.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, reviewerReads.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, deskReadsCertificates.StatusCode);
        Assert.DoesNotContain(await shared.AuditOfAsync(id), r => r.Action == "subject.details.read" && r.Outcome == AuditedOperation.Success);
    }

    private static Uri Uri(string path) => new(path, UriKind.Relative);
}
