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
    Task<(Stream Content, StoredAttachment Info)?> OpenAsync(string name, CancellationToken cancellationToken);
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
        var (name, contentType) = NewName(extension);
        var partial = await WritePartialAsync(content, cancellationToken);
        return Commit(partial, name, contentType);
    }

    public Task<(Stream Content, StoredAttachment Info)?> OpenAsync(string name, CancellationToken cancellationToken) => Task.FromResult(Open(name));

    /// <summary>Opens a file of this directory by a name this store could have made; null when malformed or absent.</summary>
    public (Stream Content, StoredAttachment Info)? Open(string name)
    {
        var contentType = ContentTypeOfName(name);
        var path = Path.Combine(_root, name);
        if (contentType is null || !File.Exists(path)) return null;
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        return (stream, new StoredAttachment(name, contentType, stream.Length));
    }

    /// <summary>A fresh public name for a file of an accepted extension, and the content type it is served as.</summary>
    public static (string Name, string ContentType) NewName(string extension)
    {
        var contentType = AttachmentTypes.ContentTypeOf(extension) ?? throw new ArgumentException($"file type {extension} is not accepted", nameof(extension));
        return (Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + extension.ToLowerInvariant(), contentType);
    }

    /// <summary>The content type of a name this store could have made: hex and a known extension, so no separators and no traversal.</summary>
    public static string? ContentTypeOfName(string name)
    {
        var match = StoredName().Match(name);
        return match.Success ? AttachmentTypes.ContentTypeOf(match.Groups["ext"].Value) : null;
    }

    /// <summary>Copies <paramref name="content"/> to a private temporary file of this directory and returns its path.</summary>
    public async Task<string> WritePartialAsync(Stream content, CancellationToken cancellationToken)
    {
        var partial = Path.Combine(_root, Guid.NewGuid().ToString("N") + ".part");
        try
        {
            await using var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await content.CopyToAsync(file, cancellationToken);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
        return partial;
    }

    /// <summary>Publishes a temporary file under its public name (atomically: readers see all of it or nothing).</summary>
    public StoredAttachment Commit(string partial, string name, string contentType)
    {
        var path = Path.Combine(_root, name);
        File.Move(partial, path, overwrite: true);
        return new StoredAttachment(name, contentType, new FileInfo(path).Length);
    }

    [GeneratedRegex("^[0-9a-f]{32}(?<ext>\\.[a-z0-9]{1,5})$")]
    private static partial Regex StoredName();
}
