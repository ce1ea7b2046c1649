namespace AkkaChat.Edge.Http;

using AkkaChat.Persistence.Attachments;
using Microsoft.AspNetCore.Http.Features;

/// <summary>
/// <c>POST /attach/upload</c> (multipart <c>file</c>, optional <c>filetype</c> such as ".mp3") stores a file and
/// replies with its URL; <c>GET /mnt/{name}</c> serves it back with its content type and <c>nosniff</c>.
/// </summary>
public static class AttachmentEndpoints
{
    public const string PublicPrefix = "/mnt/";

    public static void MapAttachmentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/attach/upload", (HttpContext http, ApiContext api, IAttachmentStore store) =>
        {
            // Room for the multipart framing around a file of the largest allowed size.
            var limit = api.Options.MaxUploadBytes;
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit + 64 * 1024;
            return ApiContext.Handle(http, f => Upload(http, api, store, f, limit));
        }).DisableAntiforgery();

        app.MapGet(PublicPrefix + "{name}", async (HttpContext http, string name, IAttachmentStore store) =>
        {
            if (await store.OpenAsync(name, http.RequestAborted) is not { } found) return Results.NotFound();
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
            http.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
            var inline = AttachmentTypes.IsInline(found.Info.ContentType);
            return Results.Stream(found.Content, found.Info.ContentType, fileDownloadName: inline ? null : found.Info.Name, enableRangeProcessing: true);
        });
    }

    private static async Task<IResult> Upload(HttpContext http, ApiContext api, IAttachmentStore store, RequestFields fields, long limit)
    {
        api.Caller(http, fields, userField: null);
        if (!http.Request.HasFormContentType) return ApiReply.Fail("upload a file as multipart/form-data in the field 'file'");
        var form = await http.Request.ReadFormAsync();
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0) return ApiReply.Fail("no file: send it in the multipart field 'file'");
        if (file.Length > limit) return ApiReply.Fail($"the file is too large (at most {limit / (1024 * 1024)} MiB)");
        var extension = AttachmentTypes.Resolve(fields.Optional("filetype", 16), file.FileName, file.ContentType);
        if (extension is null) return ApiReply.Fail("this file type is not accepted (images, audio, video and common documents are)");
        await using var content = file.OpenReadStream();
        var stored = await store.SaveAsync(content, extension, http.RequestAborted);
        return ApiReply.Ok(PublicPrefix + stored.Name);
    }
}
