using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Server.Recognition;

namespace Visage.Server.Tests.Recognition;

/// <summary>
/// Each face-taking route is a JSON endpoint with a typed body (what the API document shows) and a multipart twin
/// declaring the same permission, audit action and purpose, whose parts are never buffered to disk.
/// </summary>
public sealed class RecognitionRoutesTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-recognition-routes-");

    public void Dispose() => root.Delete(recursive: true);

    [Theory]
    [InlineData("/api/v1/subjects/{id:guid}/enrolment", typeof(EnrolmentRequest), Permissions.Enrol, "enrol", Purposes.None)]
    [InlineData("/api/v1/check-ins", typeof(CheckInRequest), Permissions.CheckIn, "checkin", Purposes.CheckIn)]
    [InlineData("/api/v1/emergency/identifications", typeof(EmergencyIdentificationRequest), Permissions.EmergencyIdentify, "break-glass", Purposes.EmergencyIdentification)]
    [InlineData("/api/v1/subjects/{id:guid}/verification", typeof(VerificationRequest), Permissions.Verify, "verify", Purposes.StepUp)]
    [InlineData("/api/v1/subjects/{id:guid}/right-patient", typeof(RightPatientRequest), Permissions.RightPatient, "right-patient", Purposes.StepUp)]
    public async Task AFaceRoute_IsATypedJsonEndpoint_AndAMultipartTwin_DeclaringTheSame(string pattern, Type body, string permission, string action, Purposes purpose)
    {
        await using var app = ServerHarness.Build(Path.Combine(root.FullName, "data"));
        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText == pattern).ToList();

        Assert.Equal(2, endpoints.Count);
        var json = Assert.Single(endpoints, e => e.Metadata.GetMetadata<IAcceptsMetadata>()!.ContentTypes.Contains("application/json"));
        var form = Assert.Single(endpoints, e => e.Metadata.GetMetadata<IAcceptsMetadata>()!.ContentTypes.Contains("multipart/form-data"));
        Assert.Equal(body, json.Metadata.GetMetadata<IAcceptsMetadata>()!.RequestType);
        Assert.Null(json.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>());
        Assert.True(form.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()!.ExcludeFromDescription);
        // No part of a face request is buffered to a temporary file.
        Assert.True(form.Metadata.GetMetadata<IFormOptionsMetadata>()!.MemoryBufferThreshold >= ServerServiceCollectionExtensions.MaxRequestBodyBytes);
        Assert.All(endpoints, e => Assert.Equal(new EndpointDeclaration(permission, action, null, purpose), e.Metadata.GetMetadata<EndpointDeclaration>()));
    }
}
