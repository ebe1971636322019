using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Visage.Server.Access;
using Visage.Server.Recognition;
using Visage.Workflows.Enrolment;
using Visage.Workflows.Recognition;
using static Visage.Server.Tests.Recognition.RecognitionServer;

namespace Visage.Server.Tests.Recognition;

/// <summary>Enrolment over HTTPS: JSON with base64 and multipart both store templates; every unreadable request is refused, audited, and stores nothing.</summary>
[Collection(RecognitionServerCollection.Name)]
public sealed class EnrolmentApiTests(RecognitionServer fixture)
{
    [Fact]
    public async Task Enrol_JsonBase64_StoresTheTemplates()
    {
        var patient = await fixture.ConsentedPatientAsync();
        using var desk = await fixture.Server.StaffClientAsync(Roles.FrontDesk);

        using var response = await desk.PostAsJsonAsync(Enrolment(patient), new EnrolmentRequest([Base64("img1.jpg"), Base64("img2.jpg")]));
        var result = await ReadAsync<EnrolmentResult>(response, HttpStatusCode.Created);

        Assert.Equal((EnrolmentOutcome.Enrolled, 2), (result.Outcome, result.Templates));
        Assert.Equal(2, (await fixture.TemplatesAsync(patient)).Count);
        var done = (await fixture.AuditAsync(patient)).Last(r => r.Action == FaceEnrolment.Action);
        Assert.Equal(("success", Roles.FrontDesk), (done.Outcome, done.ActorRole));
    }

    [Fact]
    public async Task Enrol_Multipart_StoresTheTemplates()
    {
        var patient = await fixture.ConsentedPatientAsync();
        using var clinician = await fixture.Server.StaffClientAsync(Roles.Clinician);

        using var form = Form([("images", Photo("img13.jpg")), ("images", Photo("img14.jpg"))]);
        using var response = await clinician.PostAsync(Enrolment(patient), form);
        var result = await ReadAsync<EnrolmentResult>(response, HttpStatusCode.Created);

        Assert.Equal((EnrolmentOutcome.Enrolled, 2), (result.Outcome, result.Templates));
        Assert.Equal(2, (await fixture.TemplatesAsync(patient)).Count);
    }

    [Fact]
    public async Task Enrol_Base64ThatDoesNotDecode_Is400BadInput_AuditedUnderEnrol_AndStoresNothing()
    {
        var patient = await fixture.ConsentedPatientAsync();
        using var desk = await fixture.Server.StaffClientAsync(Roles.FrontDesk);

        using var response = await desk.PostAsJsonAsync(Enrolment(patient), new EnrolmentRequest([Base64("img1.jpg"), "this is not base64!"]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(RefusalCodes.BadInput, await ReasonAsync(response));
        var refused = Assert.Single(await fixture.AuditAsync(patient), r => r.Action == FaceEnrolment.Action);
        Assert.Equal(("refused", RefusalCodes.BadInput, Roles.FrontDesk), (refused.Outcome, refused.Reason, refused.ActorRole));
        Assert.Empty(await fixture.TemplatesAsync(patient));
    }

    [Fact]
    public async Task Enrol_BytesThatAreNotAnImage_Is400WithTheEnginesReason_AuditedByTheService_AndStoresNothing()
    {
        var patient = await fixture.ConsentedPatientAsync();
        using var desk = await fixture.Server.StaffClientAsync(Roles.FrontDesk);

        using var json = await desk.PostAsJsonAsync(Enrolment(patient), new EnrolmentRequest([Convert.ToBase64String(Encoding.UTF8.GetBytes("plain text, not a photo"))]));
        using var form = Form([("images", Encoding.UTF8.GetBytes("plain text, not a photo"))]);
        using var multipart = await desk.PostAsync(Enrolment(patient), form);

        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal(RefusalCodes.ImageRefused, await ReasonAsync(json));
        Assert.Equal(HttpStatusCode.BadRequest, multipart.StatusCode);
        Assert.Equal(RefusalCodes.ImageRefused, await ReasonAsync(multipart));
        var refused = (await fixture.AuditAsync(patient)).Where(r => r.Action == FaceEnrolment.Action).ToList();
        Assert.Equal(2, refused.Count);
        Assert.All(refused, r => Assert.Equal(("refused", RefusalCodes.ImageRefused), (r.Outcome, r.Reason)));
        Assert.Empty(await fixture.TemplatesAsync(patient));
    }

    [Fact]
    public async Task Enrol_NoImagePart_Is400_AndElevenImages_AreRefusedByTheService()
    {
        var patient = await fixture.ConsentedPatientAsync();
        using var desk = await fixture.Server.StaffClientAsync(Roles.FrontDesk);

        using var wrongPart = Form([("image", Photo("img1.jpg"))]);
        using var noImages = await desk.PostAsync(Enrolment(patient), wrongPart);
        var photo = Base64("img11.jpg");
        using var eleven = await desk.PostAsJsonAsync(Enrolment(patient), new EnrolmentRequest(Enumerable.Repeat(photo, FaceEnrolment.MaxImages + 1).ToList()));

        Assert.Equal(HttpStatusCode.BadRequest, noImages.StatusCode);
        Assert.Equal(RefusalCodes.BadInput, await ReasonAsync(noImages));
        Assert.Equal(HttpStatusCode.BadRequest, eleven.StatusCode);
        Assert.Contains("1 to 10 images", await eleven.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await fixture.TemplatesAsync(patient));
    }

    [Fact]
    public async Task Enrol_UnknownSubject_Is404UnknownSubject()
    {
        using var desk = await fixture.Server.StaffClientAsync(Roles.FrontDesk);

        using var response = await desk.PostAsJsonAsync(Enrolment(Guid.NewGuid()), new EnrolmentRequest([Base64("img1.jpg")]));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(RefusalCodes.UnknownSubject, await ReasonAsync(response));
    }

    [Fact]
    public async Task Enrol_TextPlainOrNoContentType_Is415()
    {
        var patient = await fixture.ConsentedPatientAsync();
        using var desk = await fixture.Server.StaffClientAsync(Roles.FrontDesk);

        using var text = new StringContent(Base64("img1.jpg"), Encoding.UTF8, "text/plain");
        using var plain = await desk.PostAsync(Enrolment(patient), text);
        using var bytes = new ByteArrayContent(Photo("img1.jpg"));
        using var untyped = await desk.PostAsync(Enrolment(patient), bytes);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plain.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, untyped.StatusCode);
        Assert.Empty(await fixture.TemplatesAsync(patient));
    }

    [Fact]
    public async Task Enrol_BodyOver16MiB_Is413_JsonAndMultipart()
    {
        var patient = await fixture.ConsentedPatientAsync();
        using var desk = await fixture.Server.StaffClientAsync(Roles.FrontDesk);
        var tooLarge = new byte[ServerServiceCollectionExtensions.MaxRequestBodyBytes + 1024];
        // As an uploading client should: the server answers 413 from the declared length before any of the body is sent
        // (without it, Kestrel answers and closes while the client is still writing, which the client sees as a broken pipe).
        desk.DefaultRequestHeaders.ExpectContinue = true;

        using var body = new StringContent(JsonSerializer.Serialize(new EnrolmentRequest([Convert.ToBase64String(tooLarge)]), Json), Encoding.UTF8, "application/json");
        using var json = await desk.PostAsync(Enrolment(patient), body);
        using var form = Form([("images", tooLarge)]);
        using var multipart = await desk.PostAsync(Enrolment(patient), form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, json.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, multipart.StatusCode);
        Assert.Empty(await fixture.TemplatesAsync(patient));
    }

    [Fact]
    public async Task Enrol_WithoutThePermission_Is403_AndAKioskCannotEnrol()
    {
        var patient = await fixture.ConsentedPatientAsync();
        using var reviewer = await fixture.Server.StaffClientAsync(Roles.Reviewer);
        using var kiosk = await fixture.Server.KeyClientAsync(Gallery.Purposes.CheckIn, Roles.Kiosk);

        using var byReviewer = await reviewer.PostAsJsonAsync(Enrolment(patient), new EnrolmentRequest([Base64("img1.jpg")]));
        using var byKiosk = await kiosk.PostAsJsonAsync(Enrolment(patient), new EnrolmentRequest([Base64("img1.jpg")]));

        Assert.Equal(HttpStatusCode.Forbidden, byReviewer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byKiosk.StatusCode);
        Assert.Empty(await fixture.TemplatesAsync(patient));
    }

    private static Uri Enrolment(Guid subject) => new($"/api/v1/subjects/{subject}/enrolment", UriKind.Relative);

    private static string Base64(string photo) => Convert.ToBase64String(Photo(photo));
}
