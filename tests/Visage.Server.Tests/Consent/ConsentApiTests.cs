using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Visage.Audit;
using Visage.Face;
using Visage.Server.Access;
using Visage.Server.Consent;
using Visage.Server.People;
using Visage.Server.Tests.People;
using Visage.Workflows.Enrolment;
using Visage.Workflows.Recognition;

namespace Visage.Server.Tests.Consent;

/// <summary>The consent notice, grants, withdrawals and a person's consents, over real Kestrel.</summary>
[Collection(PeopleServer.Collection)]
public sealed class ConsentApiTests(PeopleServer shared)
{
    private ServerHarness Server => shared.Server;

    [Fact]
    public async Task Grant_ThenRead_GivesTheConsentInForce_AndTheGrantIsAudited()
    {
        var desk = shared.Desk;
        var id = await PeopleServer.RegisterAsync(desk, new RegisterSubjectRequest("patient", "Ana Exampleperson", new DateOnly(1990, 2, 3), PeopleServer.NewMrn(), null));
        var evidence = Convert.ToHexStringLower(SHA256.HashData("signature image"u8));
        var expires = DateTimeOffset.UtcNow.AddYears(1);

        using var granted = await desk.PostAsJsonAsync(Uri($"/api/v1/subjects/{id}/consents"), new GrantConsentRequest(shared.NoticeVersion, ["check-in"], "kiosk-signature", null, evidence, expires));
        var consent = await granted.Content.ReadFromJsonAsync<ConsentView>();
        var consents = await desk.GetFromJsonAsync<SubjectConsents>(Uri($"/api/v1/subjects/{id}/consents"));

        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        Assert.Equal(id, consent!.SubjectId);
        Assert.Equal(shared.NoticeVersion, consent.NoticeVersion);
        Assert.Equal(["check-in"], consent.Purposes);
        Assert.Equal("kiosk-signature", consent.Method);
        Assert.Equal("patient", consent.GivenBy);
        Assert.Equal(evidence, consent.EvidenceSha256);
        Assert.Equal(expires.ToUnixTimeMilliseconds(), consent.Expires!.Value.ToUnixTimeMilliseconds());
        Assert.Null(consent.Ended);
        Assert.Equal(consent.Id, consents!.InForce!.Id);
        Assert.Equal([consent.Id], consents.History.Select(c => c.Id));
        var audit = await shared.AuditOfAsync(id);
        Assert.Contains(audit, r => r.Action == "consent.grant" && r.Outcome == AuditedOperation.Success && r.ActorRole == Roles.FrontDesk);
        Assert.Contains(audit, r => r.Action == "consent.read" && r.Outcome == AuditedOperation.Success);
    }

    [Fact]
    public async Task Grant_RefusesBadInput_UnknownSubjects_UnknownNotices_AndUnapprovedPurposes_EachWithItsReason()
    {
        var desk = shared.Desk;
        var id = await PeopleServer.RegisterAsync(desk, new RegisterSubjectRequest("patient", null, null, null, null));
        var unknown = Guid.NewGuid();

        using var unknownSubject = await GrantAsync(desk, unknown, new GrantConsentRequest(shared.NoticeVersion, ["check-in"], "witnessed-verbal", null, null, null));
        using var unknownPurpose = await GrantAsync(desk, id, new GrantConsentRequest(shared.NoticeVersion, ["check-in", "mind-reading"], "witnessed-verbal", null, null, null));
        using var notRecognition = await GrantAsync(desk, id, new GrantConsentRequest(shared.NoticeVersion, ["operations"], "witnessed-verbal", null, null, null));
        using var unapproved = await GrantAsync(desk, id, new GrantConsentRequest(shared.NoticeVersion, ["check-in", "research"], "witnessed-verbal", null, null, null));
        using var unknownNotice = await GrantAsync(desk, id, new GrantConsentRequest(9999, ["check-in"], "witnessed-verbal", null, null, null));
        using var noMethod = await GrantAsync(desk, id, new GrantConsentRequest(shared.NoticeVersion, ["check-in"], null, null, null, null));
        using var badEvidence = await GrantAsync(desk, id, new GrantConsentRequest(shared.NoticeVersion, ["check-in"], "scanned-paper", null, "not-a-hash", null));
        using var pastExpiry = await GrantAsync(desk, id, new GrantConsentRequest(shared.NoticeVersion, ["check-in"], "scanned-paper", null, null, DateTimeOffset.UtcNow.AddDays(-1)));
        using var malformed = await desk.PostAsync(Uri($"/api/v1/subjects/{id}/consents"), new StringContent("{\"noticeVersion\": 1, \"purposes\": [\"check-in\"", Encoding.UTF8, "application/json"));
        using var history = await desk.GetAsync(Uri($"/api/v1/subjects/{id}/consents"));

        Assert.Equal(HttpStatusCode.NotFound, unknownSubject.StatusCode);
        Assert.Equal("unknown-subject", await PeopleServer.ReasonAsync(unknownSubject));
        Assert.Equal(HttpStatusCode.BadRequest, unknownPurpose.StatusCode);
        Assert.Equal("bad-input", await PeopleServer.ReasonAsync(unknownPurpose));
        Assert.DoesNotContain("mind-reading", await unknownPurpose.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notRecognition.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unapproved.StatusCode);
        Assert.Equal("purpose-not-approved", await PeopleServer.ReasonAsync(unapproved));
        Assert.Equal(HttpStatusCode.NotFound, unknownNotice.StatusCode);
        Assert.Equal("unknown-notice", await PeopleServer.ReasonAsync(unknownNotice));
        Assert.Equal(HttpStatusCode.BadRequest, noMethod.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badEvidence.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, pastExpiry.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
        Assert.Empty((await history.Content.ReadFromJsonAsync<SubjectConsents>())!.History);
        Assert.Contains(await shared.AuditOfAsync(unknown), r => r.Action == "consent.grant" && r.Outcome == AuditedOperation.Refused && r.Reason == RefusalCodes.UnknownSubject);
        var refusals = (await shared.AuditOfAsync(id)).Where(r => r.Action == "consent.grant" && r.Outcome == AuditedOperation.Refused).Select(r => r.Reason).ToList();
        Assert.Equal(["bad-input", "bad-input", "purpose-not-approved", "unknown-notice", "bad-input", "bad-input", "bad-input"], refusals);
    }

    [Fact]
    public async Task Withdraw_OfAnEnrolledPerson_ShredsWithACertificate_ThePrivacyOfficerCanVerify()
    {
        var desk = shared.Desk;
        var officer = shared.Officer;
        var id = await PeopleServer.RegisterAsync(desk, new RegisterSubjectRequest("patient", null, null, PeopleServer.NewMrn(), null));
        using (var granted = await GrantAsync(desk, id, new GrantConsentRequest(shared.NoticeVersion, ["check-in"], "kiosk-signature", "legal-representative", null, null)))
        {
            Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        }

        var photo = await File.ReadAllBytesAsync(Path.Combine(SharedDataLocator.Find(), "faces", "deepface", "img1.jpg"));
        var enrolled = await Server.Services.GetRequiredService<FaceEnrolment>().EnrolAsync(new AuditActor("clerk-arrange", Roles.FrontDesk), id, [new FaceCapture(photo)]);
        Assert.Equal(EnrolmentOutcome.Enrolled, enrolled.Outcome);

        using var badReason = await WithdrawAsync(desk, id, "expired");
        using var withdrawn = await WithdrawAsync(desk, id, "withdrawn");
        var withdrawal = await withdrawn.Content.ReadFromJsonAsync<ConsentWithdrawal>();
        using var again = await WithdrawAsync(desk, id, "withdrawn");
        var certificates = await officer.GetFromJsonAsync<List<DeletionCertificateView>>(Uri($"/api/v1/subjects/{id}/certificates"));
        var consents = await desk.GetFromJsonAsync<SubjectConsents>(Uri($"/api/v1/subjects/{id}/consents"));

        Assert.Equal(HttpStatusCode.BadRequest, badReason.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Equal("withdrawn", withdrawal!.Consent.EndReason);
        Assert.NotNull(withdrawal.Consent.Ended);
        Assert.NotNull(withdrawal.DeletionCertificateId);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("no-consent", await PeopleServer.ReasonAsync(again));
        var certificate = Assert.Single(certificates!);
        Assert.Equal(withdrawal.DeletionCertificateId, certificate.Id);
        Assert.Equal(id, certificate.SubjectId);
        Assert.True(certificate.SignatureValid);
        Assert.Contains("visage-deletion-certificate/2", certificate.Body, StringComparison.Ordinal);
        Assert.Null(consents!.InForce);
        Assert.Equal("withdrawn", Assert.Single(consents.History).EndReason);
        var audit = await shared.AuditOfAsync(id);
        Assert.Contains(audit, r => r.Action == "consent.withdraw" && r.Outcome == AuditedOperation.Success && r.Reason!.Contains($"certificate {withdrawal.DeletionCertificateId:N}", StringComparison.Ordinal));
        Assert.Contains(audit, r => r.Action == "consent.withdraw" && r.Outcome == AuditedOperation.Refused && r.Reason == "bad-input");
        Assert.Contains(audit, r => r.Action == "subject.certificates.read" && r.Outcome == AuditedOperation.Success && r.ActorRole == Roles.PrivacyOfficer);
    }

    [Fact]
    public async Task Restrict_WithoutBiometricData_EndsTheConsent_WithoutACertificate()
    {
        var clinician = shared.Clinician;
        var desk = shared.Desk;
        var id = await PeopleServer.RegisterAsync(desk, new RegisterSubjectRequest("patient", null, null, null, null));
        using (var granted = await GrantAsync(clinician, id, new GrantConsentRequest(shared.NoticeVersion, ["check-in"], "witnessed-verbal", null, null, null)))
        {
            Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        }

        using var restricted = await WithdrawAsync(clinician, id, "restricted");
        var withdrawal = await restricted.Content.ReadFromJsonAsync<ConsentWithdrawal>();

        Assert.Equal(HttpStatusCode.OK, restricted.StatusCode);
        Assert.Equal("restricted", withdrawal!.Consent.EndReason);
        Assert.Null(withdrawal.DeletionCertificateId);
        Assert.Contains(await shared.AuditOfAsync(id), r => r.Action == "consent.withdraw" && r.Outcome == AuditedOperation.Success && r.ActorRole == Roles.Clinician);
    }

    [Fact]
    public async Task Notice_PublishedByThePrivacyOfficer_IsTheCurrentOne_AndTheSameTextKeepsItsVersion()
    {
        var officer = shared.Officer;
        var desk = shared.Desk;
        const string Text = "Visage compare votre visage aux photos que vous acceptez de conserver.";

        using var published = await officer.PostAsJsonAsync(Uri("/api/v1/consent/notice"), new PublishNoticeRequest(Text, "fr"));
        var notice = await published.Content.ReadFromJsonAsync<NoticeView>();
        using var again = await officer.PostAsJsonAsync(Uri("/api/v1/consent/notice"), new PublishNoticeRequest(Text, "fr"));
        using var byDesk = await desk.PostAsJsonAsync(Uri("/api/v1/consent/notice"), new PublishNoticeRequest("Another text.", "fr"));
        using var empty = await officer.PostAsJsonAsync(Uri("/api/v1/consent/notice"), new PublishNoticeRequest("   ", "fr"));
        using var badLanguage = await officer.PostAsJsonAsync(Uri("/api/v1/consent/notice"), new PublishNoticeRequest("Text.", "French!"));
        var current = await desk.GetFromJsonAsync<NoticeView>(Uri("/api/v1/consent/notice?language=fr"));
        var english = await desk.GetFromJsonAsync<NoticeView>(Uri("/api/v1/consent/notice"));
        var byVersion = await desk.GetFromJsonAsync<NoticeView>(Uri($"/api/v1/consent/notice/versions/{notice!.Version}"));
        var versions = await desk.GetFromJsonAsync<List<NoticeVersionView>>(Uri("/api/v1/consent/notice/versions"));
        using var none = await desk.GetAsync(Uri("/api/v1/consent/notice?language=de"));
        using var noVersion = await desk.GetAsync(Uri("/api/v1/consent/notice/versions/9999"));

        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text))), notice.Sha256);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(notice.Version, (await again.Content.ReadFromJsonAsync<NoticeView>())!.Version);
        Assert.Equal(HttpStatusCode.Forbidden, byDesk.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("bad-input", await PeopleServer.ReasonAsync(empty));
        Assert.Equal(HttpStatusCode.BadRequest, badLanguage.StatusCode);
        Assert.Equal(notice, current);
        Assert.Equal(shared.NoticeVersion, english!.Version);
        Assert.Equal(Text, byVersion!.Text);
        Assert.Contains(versions!, v => v.Version == notice.Version && v.Language == "fr" && v.Sha256 == notice.Sha256);
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal("unknown-notice", await PeopleServer.ReasonAsync(none));
        Assert.Equal(HttpStatusCode.NotFound, noVersion.StatusCode);
        Assert.Contains(await shared.AuditOfAsync("consent.notice.add"), r => r.Outcome == AuditedOperation.Success && r.Reason!.Contains(notice.Sha256, StringComparison.Ordinal) && r.ActorRole == Roles.PrivacyOfficer);
    }

    private static Task<HttpResponseMessage> GrantAsync(HttpClient client, Guid id, GrantConsentRequest request) =>
        client.PostAsJsonAsync(Uri($"/api/v1/subjects/{id}/consents"), request);

    private static Task<HttpResponseMessage> WithdrawAsync(HttpClient client, Guid id, string reason) =>
        client.PostAsJsonAsync(Uri($"/api/v1/subjects/{id}/consents/withdrawal"), new WithdrawConsentRequest(reason));

    private static Uri Uri(string path) => new(path, UriKind.Relative);
}
