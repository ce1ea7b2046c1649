namespace AkkaChat.Persistence.Attachments;

using System.Security.Cryptography;
using System.Text.RegularExpressions;

/// <summary>A stored upload: its public name (random, with a vetted extension) and content type.</summary>
public sealed record StoredAttachment(string Name, string ContentType, long Length);

/// <summary>Where uploads live. One node uses local disk; a cluster needs a store every node can read.</summary>
public interface IAttachmentStore
{
    Task<StoredAttachment> SaveAsync(Stream content, string extension, CancellationToken cancellationToken);

    /// <summary>Opens a stored file by its public name, or null when the name is malformed or unknown.</summary>
    (Stream Content, StoredAttachment Info)? Open(string name);
}

/// <summary>The kinds of file AkkaChat accepts, by extension, with the content type they are served as.</summary>
public static class AttachmentTypes
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
        [".bmp"] = "image/bmp",
        [".mp3"] = "audio/mpeg",
        [".wav"] = "audio/wav",
        [".ogg"] = "audio/ogg",
        [".m4a"] = "audio/mp4",
        [".aac"] = "audio/aac",
        [".amr"] = "audio/amr",
        [".weba"] = "audio/webm",
        [".mp4"] = "video/mp4",
        [".webm"] = "video/webm",
        [".mov"] = "video/quicktime",
        [".pdf"] = "application/pdf",
        [".txt"] = "text/plain; charset=utf-8",
        [".doc"] = "application/msword",
        [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [".xls"] = "application/vnd.ms-excel",
        [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        [".ppt"] = "application/vnd.ms-powerpoint",
        [".pptx"] = "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        [".zip"] = "application/zip",
    };

    private static readonly Dictionary<string, string> ExtensionsByMime = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/png"] = ".png",
        ["image/jpeg"] = ".jpg",
        ["image/gif"] = ".gif",
        ["image/webp"] = ".webp",
        ["audio/mpeg"] = ".mp3",
        ["audio/mp3"] = ".mp3",
        ["audio/wav"] = ".wav",
        ["audio/ogg"] = ".ogg",
        ["audio/webm"] = ".weba",
        ["video/mp4"] = ".mp4",
        ["video/webm"] = ".webm",
        ["application/pdf"] = ".pdf",
        ["text/plain"] = ".txt",
    };

    public static IReadOnlyCollection<string> Extensions => ContentTypes.Keys;

    public static string? ContentTypeOf(string extension) => ContentTypes.GetValueOrDefault(extension);

    /// <summary>
    /// The extension to store an upload under: the client's <c>filetype</c> field first (the seed client sends ".mp3"
    /// for recorded voice), then the file name's extension, then its declared MIME type. Null when none is accepted.
    /// </summary>
    public static string? Resolve(string? fileType, string? fileName, string? mimeType)
    {
        foreach (var candidate in new[] { Normalize(fileType), Normalize(Path.GetExtension(fileName ?? "")) })
        {
            if (candidate is not null && ContentTypes.ContainsKey(candidate)) return candidate.ToLowerInvariant();
        }
        var mime = mimeType?.Split(';')[0].Trim();
        return mime is not null && ExtensionsByMime.TryGetValue(mime, out var ext) ? ext : null;
    }

    /// <summary>Images, audio and video render inline; everything else is served as a download.</summary>
    public static bool IsInline(string contentType) =>
        contentType.StartsWith("image/", StringComparison.Ordinal) || contentType.StartsWith("audio/", StringComparison.Ordinal) || contentType.StartsWith("video/", StringComparison.Ordinal);

    private static string? Normalize(string? extension)
    {
        if (string.IsNullOrWhiteSpace(extension)) return null;
        extension = extension.Trim();
        return extension.StartsWith('.') ? extension : "." + extension;
    }
}

/// <summary>Uploads on the local disk under <c>{data}/attachments</c>, named by 128 random bits.</summary>
public sealed partial class LocalDiskAttachmentStore : IAttachmentStore
{
    private readonly string _root;

    public LocalDiskAttachmentStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public async Task<StoredAttachment> SaveAsync(Stream content, string extension, CancellationToken cancellationToken)
    {
        var contentType = AttachmentTypes.ContentTypeOf(extension) ?? throw new ArgumentException($"file type {extension} is not accepted", nameof(extension));
        var name = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + extension.ToLowerInvariant();
        var path = Path.Combine(_root, name);
        var partial = path + ".part";
        await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            await content.CopyToAsync(file, cancellationToken);
        }
        File.Move(partial, path);
        return new StoredAttachment(name, contentType, new FileInfo(path).Length);
    }

    public (Stream Content, StoredAttachment Info)? Open(string name)
    {
        // Only names this store made: hex and a known extension. No separators, so no traversal.
        var match = StoredName().Match(name);
        if (!match.Success) return null;
        var contentType = AttachmentTypes.ContentTypeOf(match.Groups["ext"].Value);
        var path = Path.Combine(_root, name);
        if (contentType is null || !File.Exists(path)) return null;
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        return (stream, new StoredAttachment(name, contentType, stream.Length));
    }

    [GeneratedRegex("^[0-9a-f]{32}(?<ext>\\.[a-z0-9]{1,5})$")]
    private static partial Regex StoredName();
}
