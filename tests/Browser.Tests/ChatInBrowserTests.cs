namespace AkkaChat.Browser.Tests;

using AkkaChat.Edge.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

/// <summary>
/// The web app at `/` in real headless Chromium against a real node: two people in two browser contexts go from
/// registering to chatting in a room, and keep their messages across a reload and a server restart.
/// </summary>
public sealed class ChatInBrowserTests(ChromiumFixture chromium, ITestOutputHelper output) : IClassFixture<ChromiumFixture>
{
    // An 8x8 red PNG.
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEklEQVR4nGP4z8CAFWEXHbQSACj/P8Fu7N9hAAAAAElFTkSuQmCC");

    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = ChatPage.Wait };

    [Fact]
    public async Task Two_people_befriend_chat_with_text_emoji_and_image_meet_in_a_room_and_keep_history_after_a_reload()
    {
        await using var host = await ChatHost.StartAsync(output: output);
        var alice = await ChatPage.OpenAsync(chromium.Browser, host.BaseUri, "alice", 1280, 800);
        var bob = await ChatPage.OpenAsync(chromium.Browser, host.BaseUri, "bob", 1280, 800);
        await alice.RegisterAsync("1390000001");
        await bob.RegisterAsync("1390000002");

        await BefriendAsync(alice, bob);

        // Bob writes first; Alice sees the unread badge rise, opens the chat, and Bob's tick turns to read.
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Chat with alice" }).ClickAsync();
        await bob.SendAsync("hello alice");
        await Expect(bob.Page.Locator("#message-list li.msg.mine [data-state='stored']")).ToBeVisibleAsync(Visible);
        await alice.ChatsAsync();
        await Expect(alice.Conversation($"u{bob.Id}").Locator(".badge")).ToHaveTextAsync("1");
        await alice.ScreenshotAsync("conversation-list-unread.png");
        await alice.Conversation($"u{bob.Id}").ClickAsync();
        await Expect(alice.Bubble("hello alice")).ToBeVisibleAsync(Visible);
        await Expect(alice.Conversation($"u{bob.Id}").Locator(".badge")).ToHaveCountAsync(0);
        await Expect(bob.Page.Locator("#message-list li.msg.mine [data-state='read']")).ToBeVisibleAsync(Visible);

        // Alice answers with text and an emoji from the picker, then an image with its preview.
        await alice.Page.Locator("#text").FillAsync("hi bob ");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Emoji", Exact = true }).ClickAsync();
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Insert 🎉" }).ClickAsync();
        await alice.Page.Locator("#text").PressAsync("Enter");
        await Expect(bob.Bubble("hi bob 🎉")).ToBeVisibleAsync(Visible);
        await alice.Page.Locator("#image-input").SetInputFilesAsync(new FilePayload { Name = "red.png", MimeType = "image/png", Buffer = Png });
        await Expect(alice.Page.Locator("#preview-img")).ToBeVisibleAsync(Visible);
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Send image" }).ClickAsync();
        await Expect(bob.Page.Locator("#message-list img.media")).ToBeVisibleAsync(Visible);
        Assert.StartsWith("/mnt/", await bob.Page.Locator("#message-list img.media").GetAttributeAsync("src"));

        // Markup in a message is text: shown as typed, and its handler never runs.
        const string attack = "<img src=x onerror=\"window.__pwned=1\">";
        await bob.SendAsync(attack);
        await Expect(alice.Bubble(attack)).ToBeVisibleAsync(Visible);
        Assert.Equal(0, await alice.Page.Locator("#message-list img[src='x']").CountAsync());
        Assert.True(await alice.Page.EvaluateAsync<bool>("() => window.__pwned === undefined"));
        await bob.ScreenshotAsync("chat-1280.png");

        // A room: Alice creates it, Bob joins by its id, both talk in it.
        await alice.ContactsAsync();
        await alice.Page.GetByLabel("New room name").FillAsync("Team");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Create room" }).ClickAsync();
        await Expect(alice.Page.Locator("#contacts-msg")).ToContainTextAsync("created (id ");
        var roomId = System.Text.RegularExpressions.Regex.Match(await alice.Page.Locator("#contacts-msg").InnerTextAsync(), @"id (\d+)").Groups[1].Value;
        await bob.ContactsAsync();
        await bob.Page.GetByLabel("Room id").FillAsync(roomId);
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Join room" }).ClickAsync();
        await Expect(bob.Page.Locator("#contacts-msg")).ToHaveTextAsync("Joined \"Team\"");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Open room Team" }).ClickAsync();
        await alice.SendAsync("welcome to the team");
        await bob.ChatsAsync();
        await Expect(bob.Conversation($"r{roomId}").Locator(".badge")).ToHaveTextAsync("1");
        await bob.Conversation($"r{roomId}").ClickAsync();
        await Expect(bob.Bubble("welcome to the team")).ToBeVisibleAsync(Visible);
        await bob.SendAsync("glad to be here");
        await Expect(alice.Bubble("glad to be here")).ToBeVisibleAsync(Visible);
        await Expect(alice.Page.Locator("#message-list .sender", new() { HasTextString = "bob" })).ToBeVisibleAsync(Visible);
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Members" }).ClickAsync();
        await Expect(alice.Page.Locator("#member-list")).ToContainTextAsync("bob");
        await alice.ScreenshotAsync("room-1280.png");

        // A reload keeps the session, and the history comes back from the server.
        await bob.Page.ReloadAsync();
        await Expect(bob.Page.Locator("#me-name")).ToContainTextAsync("bob");
        await bob.Conversation($"u{alice.Id}").ClickAsync();
        await Expect(bob.Bubble("hello alice")).ToBeVisibleAsync(Visible);
        await Expect(bob.Bubble("hi bob 🎉")).ToBeVisibleAsync(Visible);
        await Expect(bob.Page.Locator("#message-list img.media")).ToBeVisibleAsync(Visible);
        await Expect(bob.Bubble(attack)).ToHaveCountAsync(1);

        await alice.CloseAsync();
        await bob.CloseAsync();
    }

    [Fact]
    public async Task Messages_sent_while_the_server_restarts_arrive_once_each_and_the_banner_shows_while_offline()
    {
        var port = FreePort.Next();
        await using var host = await ChatHost.StartAsync(new Dictionary<string, string?> { ["AKKACHAT_HTTP_PORT"] = port.ToString() }, output);
        var alice = await ChatPage.OpenAsync(chromium.Browser, host.BaseUri, "alice", 1280, 800);
        var bob = await ChatPage.OpenAsync(chromium.Browser, host.BaseUri, "bob", 375, 740);
        await alice.RegisterAsync("1390000011");
        await bob.RegisterAsync("1390000012");
        await BefriendAsync(alice, bob);
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Chat with alice" }).ClickAsync();
        await bob.SendAsync("before the restart");
        await alice.ChatsAsync();
        await alice.Conversation($"u{bob.Id}").ClickAsync();
        await Expect(alice.Bubble("before the restart")).ToBeVisibleAsync(Visible);

        await host.StopAsync();
        await Expect(alice.Page.Locator("#banner")).ToBeVisibleAsync(Visible);
        await Expect(bob.Page.Locator("#banner")).ToBeVisibleAsync(Visible);
        await alice.SendAsync("sent while offline 1");
        await alice.SendAsync("sent while offline 2");
        await Expect(alice.Page.Locator("#message-list [data-state='sending']")).ToHaveCountAsync(2);
        await bob.ScreenshotAsync("offline-375.png");

        await host.RestartAsync();
        Assert.Equal(port, host.BaseUri.Port);
        await Expect(alice.Page.Locator("#banner")).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await Expect(bob.Page.Locator("#banner")).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await Expect(bob.Bubble("sent while offline 2")).ToBeVisibleAsync(Visible);
        await Expect(bob.Page.Locator("#chat-status")).ToHaveTextAsync("online"); // the presence snapshot after the reconnect
        await Expect(bob.Bubble("sent while offline 1")).ToHaveCountAsync(1);
        await Expect(bob.Bubble("sent while offline 2")).ToHaveCountAsync(1);
        await Expect(bob.Bubble("before the restart")).ToHaveCountAsync(1);
        await Expect(alice.Page.Locator("#message-list [data-state='sending']")).ToHaveCountAsync(0);
        await Expect(alice.Bubble("sent while offline 1")).ToHaveCountAsync(1);

        // After the restart Bob still chats: the next message goes through at once.
        await bob.SendAsync("back online");
        await Expect(alice.Bubble("back online")).ToBeVisibleAsync(Visible);
        await bob.ScreenshotAsync("chat-375.png");
        await alice.CloseAsync();
        await bob.CloseAsync();
    }
    [Fact]
    public async Task A_voice_recording_and_a_file_arrive_playable_and_named_and_a_recalled_message_shows_as_recalled()
    {
        await using var host = await ChatHost.StartAsync(output: output);
        var alice = await ChatPage.OpenAsync(chromium.Browser, host.BaseUri, "alice", 1280, 800);
        var bob = await ChatPage.OpenAsync(chromium.Browser, host.BaseUri, "bob", 1280, 800);
        await alice.RegisterAsync("1390000021");
        await bob.RegisterAsync("1390000022");
        await BefriendAsync(alice, bob);
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Chat with alice" }).ClickAsync();
        await alice.ContactsAsync(); // reloads the friend list
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Chat with bob" }).ClickAsync();
        await alice.Page.Context.GrantPermissionsAsync(["microphone"]);

        // Chromium's fake microphone: record, stop, and the voice message arrives with a player.
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Record voice message" }).ClickAsync();
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Stop recording and send" }).ClickAsync();
        await Expect(bob.Page.Locator("#message-list audio")).ToHaveCountAsync(1);
        Assert.StartsWith("/mnt/", await bob.Page.Locator("#message-list audio").GetAttributeAsync("src"));

        await alice.Page.Locator("#file-input").SetInputFilesAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = new byte[2048] });
        var link = bob.Page.Locator("#message-list .file a");
        await Expect(link).ToHaveTextAsync("notes.txt");
        await Expect(bob.Page.Locator("#message-list .file")).ToContainTextAsync("2.0 KB");

        await alice.SendAsync("oops, wrong chat");
        await Expect(bob.Bubble("oops, wrong chat")).ToBeVisibleAsync(Visible);
        await alice.Page.Locator("#message-list li.msg.mine", new() { HasTextString = "oops, wrong chat" }).GetByRole(AriaRole.Button, new() { Name = "Recall" }).ClickAsync();
        await Expect(bob.Bubble("This message was recalled")).ToBeVisibleAsync(Visible);
        await Expect(bob.Bubble("oops, wrong chat")).ToHaveCountAsync(0);
        await Expect(alice.Bubble("You recalled a message")).ToBeVisibleAsync(Visible);
        await bob.ScreenshotAsync("media-1280.png");
        await alice.CloseAsync();
        await bob.CloseAsync();
    }
    /// <summary>The first asks the second by id; the second opens Contacts and accepts.</summary>
    private static async Task BefriendAsync(ChatPage asker, ChatPage accepter)
    {
        await asker.ContactsAsync();
        await asker.Page.GetByLabel("Friend's user id").FillAsync(accepter.Id.ToString());
        await asker.Page.GetByRole(AriaRole.Button, new() { Name = "Send request" }).ClickAsync();
        await Expect(asker.Page.Locator("#contacts-msg")).ToHaveTextAsync("Request sent");
        await accepter.ContactsAsync();
        await accepter.Page.GetByRole(AriaRole.Button, new() { Name = "Accept " + asker.Name }).ClickAsync();
        await Expect(accepter.Page.Locator("#friend-list")).ToContainTextAsync(asker.Name);
    }
}
