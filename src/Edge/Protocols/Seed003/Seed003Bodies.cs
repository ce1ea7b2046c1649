namespace AkkaChat.Edge.Protocols.Seed003;

using AkkaChat.Core.Chat;
using AkkaChat.Edge.Protocols.Seed000;
using AkkaChat.Edge.Protocols.Seed003.Wire;
using Google.Protobuf;

/// <summary>
/// Seed-003 message bodies as <see cref="ChatPayload"/>s, so <c>/ws</c>, TCP and <c>/chat</c> share one store. Text is
/// media 1 both ways. Every other type keeps its exact <see cref="MessageBody"/> bytes in the memo (<c>pb1:</c> + base64;
/// <c>pb2:</c> when to_user_ids or help come along) so a seed-003 client gets back what it sent, with a label as content
/// and the nearest seed-000 media, url and pic filled so <c>/chat</c> clients can show it; a <c>/chat</c> payload without
/// such a memo is mapped by its media (docs/PROTOCOL.md §4).
/// </summary>
public static class Seed003Bodies
{
    /// <summary>The memo prefix of a payload that carries a seed-003 body's bytes.</summary>
    public const string MemoPrefix = "pb1:";

    /// <summary>The conversation_message of a recalled message.</summary>
    public const string RecalledLabel = "[已撤回]";

    /// <summary>The memo prefix of a payload that carries a SendMessage's body, to_user_ids and help (as a MessageItem's bytes).</summary>
    public const string EnvelopePrefix = "pb2:";

    private static readonly MessageParser<MessageBody> BodyParser = MessageBody.Parser.WithDiscardUnknownFields(true);
    private static readonly MessageParser<MessageItem> ItemParser = MessageItem.Parser.WithDiscardUnknownFields(true);

    /// <summary>The payload a SendMessage's body is stored as; false (reason) when the body is missing, mismatched or too large.</summary>
    public static bool TryToPayload(MessageBody? body, out ChatPayload payload, out string error) =>
        TryToPayload(body, [], 0, out payload, out error);

    /// <summary>
    /// The payload a whole SendMessage is stored as: its body, and its to_user_ids and help when it has them (those ride
    /// in a <c>pb2:</c> memo, so the items built from the stored message carry them back).
    /// </summary>
    public static bool TryToPayload(SendMessage message, out ChatPayload payload, out string error) =>
        TryToPayload(message.MessageBody, message.ToUserIds, message.Help, out payload, out error);

    /// <summary>The body a seed-003 client sees for a stored payload: exact for <c>pb1:</c>/<c>pb2:</c> bodies and text, else mapped by media.</summary>
    public static MessageBody ToBody(ChatPayload payload) => TryStored(payload, out var stored) ? stored.MessageBody : MapByMedia(payload);

    /// <summary>Fills <paramref name="item"/>'s message_body, to_user_ids, help and conversation_message from a stored payload.</summary>
    public static void Fill(MessageItem item, ChatPayload payload)
    {
        if (TryStored(payload, out var stored))
        {
            item.MessageBody = stored.MessageBody;
            item.ToUserIds.Add(stored.ToUserIds);
            item.Help = stored.Help;
            item.ConversationMessage = Summary(stored.MessageBody);
            return;
        }
        item.MessageBody = MapByMedia(payload);
        item.ConversationMessage = SummaryByMedia(payload);
    }

    private static bool TryToPayload(MessageBody? body, IReadOnlyCollection<long> toUserIds, int help, out ChatPayload payload, out string error)
    {
        payload = null!;
        if (body is null)
        {
            error = "bad body: message_body is missing";
            return false;
        }
        if (!TryCheck(body, out error)) return false;
        var c = body.MessageContent;
        var memo = "";
        if (toUserIds.Count > 0 || help != 0)
        {
            var envelope = new MessageItem { MessageBody = body, Help = help };
            envelope.ToUserIds.Add(toUserIds);
            memo = EnvelopePrefix + Convert.ToBase64String(envelope.ToByteArray());
        }
        else if (body.MessageType != MessageType.MtText)
        {
            memo = MemoPrefix + Convert.ToBase64String(body.ToByteArray());
        }
        if (body.MessageType == MessageType.MtText)
        {
            payload = new ChatPayload(ChatMedia.Text, c.Text.Text_, "", "", memo, 0);
        }
        else
        {
            var (url, pic) = Links(c);
            payload = new ChatPayload(Media(body.MessageType), Label(body.MessageType), pic, url, memo, 0);
        }
        if (payload.TextLength > ChatPayload.MaxTextLength)
        {
            payload = null!;
            error = $"bad body: the message is too large (at most {ChatPayload.MaxTextLength} characters stored)";
            return false;
        }
        return true;
    }

    private static MessageBody MapByMedia(ChatPayload payload)
    {
        var content = new MessageContent();
        MessageType type;
        switch (payload.Media)
        {
            case ChatMedia.Text:
                type = MessageType.MtText;
                content.Text = new Text { Text_ = payload.Content };
                break;
            case ChatMedia.Voice:
                type = MessageType.MtVoice;
                content.Voice = new Voice { Url = payload.Url };
                break;
            case ChatMedia.Image:
                type = MessageType.MtImage;
                content.Image = new Image { Url = payload.Url.Length > 0 ? payload.Url : payload.Pic, ThumbnailUrl = payload.Pic };
                break;
            case ChatMedia.Emoji:
                type = MessageType.MtFace;
                content.Face = new Face { FaceUrl = payload.Url.Length > 0 ? payload.Url : payload.Pic };
                break;
            case ChatMedia.Video:
                type = MessageType.MtVideo;
                content.Video = new Video { Url = payload.Url };
                break;
            default:
                type = MessageType.MtCustom;
                content.Custom = new Custom { Data = SeedJson(payload) };
                break;
        }
        return new MessageBody { MessageType = type, MessageContent = content };
    }

    /// <summary>conversation_message / messagenewcontent: the text itself, else the type's label.</summary>
    public static string Summary(ChatPayload payload) => TryStored(payload, out var stored) ? Summary(stored.MessageBody) : SummaryByMedia(payload);

    private static string Summary(MessageBody body) =>
        body.MessageType == MessageType.MtText ? body.MessageContent.Text.Text_ : Label(body.MessageType);

    private static string SummaryByMedia(ChatPayload payload) => payload.Media switch
    {
        ChatMedia.Text => payload.Content,
        ChatMedia.Voice => Label(MessageType.MtVoice),
        ChatMedia.Image => Label(MessageType.MtImage),
        ChatMedia.Emoji => Label(MessageType.MtFace),
        ChatMedia.Video => Label(MessageType.MtVideo),
        _ => Label(MessageType.MtCustom),
    };

    /// <summary>The label golang_im shows for a non-text type.</summary>
    public static string Label(MessageType type) => type switch
    {
        MessageType.MtFace => "[表情]",
        MessageType.MtVoice => "[录音]",
        MessageType.MtImage => "[图像]",
        MessageType.MtFile => "[文件]",
        MessageType.MtLocation => "[地址]",
        MessageType.MtCommand => "[指令推送]",
        MessageType.MtCustom => "[自定义]",
        MessageType.MtVideo => "[视频]",
        _ => "",
    };

    /// <summary>The seed-000 media a non-text body is stored with (what <c>/chat</c> clients see).</summary>
    public static int Media(MessageType type) => type switch
    {
        MessageType.MtText => ChatMedia.Text,
        MessageType.MtFace => ChatMedia.Emoji,
        MessageType.MtVoice => ChatMedia.Voice,
        MessageType.MtImage => ChatMedia.Image,
        MessageType.MtVideo => ChatMedia.Video,
        _ => ChatMedia.Custom, // file, location, command, custom: seed-000 has no nearer code
    };

    /// <summary>Whether the oneof is set and matches message_type.</summary>
    private static bool TryCheck(MessageBody body, out string error)
    {
        var type = body.MessageType;
        if (type is <= MessageType.MtUnknown or > MessageType.MtVideo)
        {
            error = $"bad body: unknown message_type {(int)type}";
            return false;
        }
        var content = body.MessageContent?.ContentCase ?? MessageContent.ContentOneofCase.None;
        if (content == MessageContent.ContentOneofCase.None)
        {
            error = "bad body: message_content is missing";
            return false;
        }
        // The oneof's field numbers are the MessageType values (text 1 … video 9).
        if ((int)content != (int)type)
        {
            error = $"bad body: message_type {(int)type} does not match the content ({(int)content})";
            return false;
        }
        error = "";
        return true;
    }

    private static (string Url, string Pic) Links(MessageContent c) => c.ContentCase switch
    {
        MessageContent.ContentOneofCase.Face => (c.Face.FaceUrl, ""),
        MessageContent.ContentOneofCase.Voice => (c.Voice.Url, ""),
        MessageContent.ContentOneofCase.Image => (c.Image.Url, c.Image.ThumbnailUrl),
        MessageContent.ContentOneofCase.File => (c.File.Url, ""),
        MessageContent.ContentOneofCase.Video => (c.Video.Url, ""),
        _ => ("", ""),
    };

    /// <summary>
    /// What a <c>pb1:</c> or <c>pb2:</c> memo holds, as an item with only message_body, to_user_ids and help set; false
    /// when the memo holds none (a <c>/chat</c> message, or a memo a <c>/chat</c> client made up that is not a valid body).
    /// </summary>
    private static bool TryStored(ChatPayload payload, out MessageItem stored)
    {
        stored = null!;
        var memo = payload.Memo;
        var envelope = memo.StartsWith(EnvelopePrefix, StringComparison.Ordinal);
        if (!envelope && !memo.StartsWith(MemoPrefix, StringComparison.Ordinal)) return false;
        var encoded = memo.AsSpan(MemoPrefix.Length);
        var bytes = new byte[encoded.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64Chars(encoded, bytes, out var written)) return false;
        try
        {
            stored = envelope ? ItemParser.ParseFrom(bytes, 0, written) : new MessageItem { MessageBody = BodyParser.ParseFrom(bytes, 0, written) };
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
        return stored.MessageBody is { } body && TryCheck(body, out _);
    }

    /// <summary>A <c>/chat</c> payload with no seed-003 shape, as the seed-000 fields in JSON (empty ones left out).</summary>
    private static string SeedJson(ChatPayload p) =>
        System.Text.Encoding.UTF8.GetString(JsonFrames.Write(w =>
        {
            w.WriteNumber("media", p.Media);
            if (p.Content.Length > 0) w.WriteString("content", p.Content);
            if (p.Pic.Length > 0) w.WriteString("pic", p.Pic);
            if (p.Url.Length > 0) w.WriteString("url", p.Url);
            if (p.Memo.Length > 0) w.WriteString("memo", p.Memo);
            if (p.Amount != 0) w.WriteNumber("amount", p.Amount);
        }));
}
