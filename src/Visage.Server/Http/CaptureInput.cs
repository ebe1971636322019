using Microsoft.AspNetCore.Http;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Workflows.Recognition;

namespace Visage.Server.Http;

/// <summary>
/// A JSON request that carries one face, base64: the image and, when the camera answered a liveness challenge, the
/// challenge's nonce and its frames (the image being one of them).
/// </summary>
internal interface ICaptureBody
{
    string? Image { get; }

    string? LivenessNonce { get; }

    IReadOnlyList<string>? LivenessFrames { get; }
}

/// <summary>
/// Reads the faces a request carries, as JSON with base64 strings or as multipart/form-data with file parts, into the
/// <see cref="FaceCapture"/> the workflows take. The field names are the same in both: <c>image</c> (enrolment:
/// <c>images</c>, one to ten), <c>livenessNonce</c>, <c>livenessFrames</c>. What cannot be read (base64 that does not
/// decode, no image) is a bad-input refusal whose message never repeats the input; whether the bytes are an image is
/// the face engine's to say.
/// </summary>
internal static class CaptureInput
{
    public const string ImageField = "image";
    public const string ImagesField = "images";
    public const string LivenessNonceField = "livenessNonce";
    public const string LivenessFramesField = "livenessFrames";

    /// <summary>The one face of a JSON body.</summary>
    public static FaceCapture FromJson(ICaptureBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new FaceCapture(Decode(body.Image, $"The image ({ImageField})"), body.LivenessNonce, Frames(body.LivenessFrames));
    }

    /// <summary>The face of a JSON body that takes no liveness response (emergency identification).</summary>
    public static FaceCapture FromJson(string? image) => new(Decode(image, $"The image ({ImageField})"));

    /// <summary>
    /// Enrolment's faces from JSON, in order; a liveness response belongs to the first (a nonce answers one capture).
    /// An empty list is passed on: the enrolment refuses it, audited, with its own rule (one to ten images).
    /// </summary>
    public static IReadOnlyList<FaceCapture> FromJson(IReadOnlyList<string>? images, string? livenessNonce, IReadOnlyList<string>? livenessFrames) =>
        WithLiveness((images ?? []).Select((image, i) => Decode(image, $"Image {i + 1} ({ImagesField})")).ToList(), livenessNonce, Frames(livenessFrames));

    /// <summary>The one face of a form: file part <c>image</c>, field <c>livenessNonce</c>, file parts <c>livenessFrames</c>.</summary>
    public static async Task<FaceCapture> FromFormAsync(IFormCollection form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var images = form.Files.GetFiles(ImageField);
        if (images.Count > 1)
        {
            throw BadInput($"Send one image (file part '{ImageField}').");
        }

        var image = await ReadAsync(images.Count == 1 ? images[0] : null, $"The image (file part '{ImageField}')", cancellationToken);
        return new FaceCapture(image, FormFields.Text(form, LivenessNonceField), await FramesAsync(form, cancellationToken));
    }

    /// <summary>Enrolment's faces from a form: file parts <c>images</c>; a liveness response belongs to the first.</summary>
    public static async Task<IReadOnlyList<FaceCapture>> ManyFromFormAsync(IFormCollection form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var images = new List<byte[]>();
        foreach (var (file, i) in form.Files.GetFiles(ImagesField).Select((f, i) => (f, i)))
        {
            images.Add(await ReadAsync(file, $"Image {i + 1} (file part '{ImagesField}')", cancellationToken));
        }

        return WithLiveness(images, FormFields.Text(form, LivenessNonceField), await FramesAsync(form, cancellationToken));
    }

    /// <summary>
    /// Reads a request's input; a refusal is recorded in the audit log under the endpoint's action before it reaches the
    /// caller (the request concerned faces, so even an unreadable one leaves its record).
    /// </summary>
    public static async Task<T> ReadAuditedAsync<T>(HttpContext context, AuditLog log, string action, Purposes purpose, Guid? subject, Func<Task<T>> read)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            return await read();
        }
        catch (WorkflowRefusedException refusal)
        {
            await AuditedOperation.RecordRefusedAsync(log, context.Actor(), action, purpose, refusal.Code, subject?.ToString());
            throw;
        }
    }

    /// <summary>A bad-input refusal for a request field the workflows never see; <paramref name="message"/> never repeats the input.</summary>
    public static WorkflowRefusedException BadInput(string message) => new(RefusalCodes.BadInput, RefusalKind.BadInput, message);

    private static List<FaceCapture> WithLiveness(List<byte[]> images, string? nonce, IReadOnlyList<byte[]>? frames) =>
        images.Select((image, i) => i == 0 ? new FaceCapture(image, nonce, frames) : new FaceCapture(image)).ToList();

    private static byte[] Decode(string? base64, string what)
    {
        if (string.IsNullOrEmpty(base64))
        {
            throw BadInput($"{what} is missing: send it base64-encoded.");
        }

        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw BadInput($"{what} is not valid base64.");
        }
    }

    private static List<byte[]>? Frames(IReadOnlyList<string>? frames) =>
        frames?.Select((frame, i) => Decode(frame, $"Liveness frame {i + 1} ({LivenessFramesField})")).ToList();

    private static async Task<List<byte[]>?> FramesAsync(IFormCollection form, CancellationToken cancellationToken)
    {
        var files = form.Files.GetFiles(LivenessFramesField);
        if (files.Count == 0)
        {
            return null;
        }

        var frames = new List<byte[]>(files.Count);
        foreach (var (file, i) in files.Select((f, i) => (f, i)))
        {
            frames.Add(await ReadAsync(file, $"Liveness frame {i + 1} (file part '{LivenessFramesField}')", cancellationToken));
        }

        return frames;
    }

    private static async Task<byte[]> ReadAsync(IFormFile? file, string what, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            throw BadInput($"{what} is missing or empty.");
        }

        // The body limit (16 MiB) bounds the length; the form reader has already buffered the part.
        var bytes = new byte[file.Length];
        await using var stream = file.OpenReadStream();
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }
}

/// <summary>The text fields of a multipart request that carries a face (a claimed subject, a reason code, an order id).</summary>
internal static class FormFields
{
    /// <summary>The field's one value, or null when absent; a field given twice is refused (which one was meant?).</summary>
    public static string? Text(IFormCollection form, string name)
    {
        ArgumentNullException.ThrowIfNull(form);
        var values = form[name];
        return values.Count switch
        {
            0 => null,
            1 => string.IsNullOrEmpty(values[0]) ? null : values[0],
            _ => throw CaptureInput.BadInput($"The field '{name}' is given more than once."),
        };
    }

    public static Guid? Id(IFormCollection form, string name) =>
        Text(form, name) is not { } text ? null
        : Guid.TryParse(text, out var id) ? id
        : throw CaptureInput.BadInput($"The field '{name}' is not an id.");

    /// <summary>Ids given as a repeated field (<c>candidates=…&amp;candidates=…</c>); null when absent.</summary>
    public static IReadOnlyList<Guid>? Ids(IFormCollection form, string name)
    {
        ArgumentNullException.ThrowIfNull(form);
        var values = form[name];
        if (values.Count == 0)
        {
            return null;
        }

        return values.Select(v => Guid.TryParse(v, out var id) ? id : throw CaptureInput.BadInput($"An entry of the field '{name}' is not an id (which one is not shown).")).ToList();
    }

    public static bool Flag(IFormCollection form, string name) =>
        Text(form, name) is not { } text ? false
        : bool.TryParse(text, out var flag) ? flag
        : throw CaptureInput.BadInput($"The field '{name}' is true or false.");
}
