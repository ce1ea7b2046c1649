namespace AkkaChat.Browser.Tests.Seed003;

using System.Collections.Concurrent;
using AkkaChat.Edge.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Xunit.Abstractions;
using Wire = AkkaChat.Edge.Protocols.Seed003.Wire;

/// <summary>
/// The seed-003 document's own test page (seed003.html, copied unchanged) in headless Chromium against a real node's
/// <c>/ws</c>, with the <c>client_message.js</c> that Seed003/build-page.sh generates from the repo's .proto. The test
/// only substitutes the page's token, ids and server address, then reads what the page logs, as a person would in the
/// browser's console: the message a second client sends it, then the replies to its three buttons.
/// </summary>
public sealed class Seed003PageTests(ChromiumFixture chromium, ITestOutputHelper output) : IClassFixture<ChromiumFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_seed_page_signs_in_shows_a_pushed_message_sends_one_and_logs_the_list_and_sync_replies()
    {
        await using var node = await ChatHost.StartAsync(output: output);
        using var alice = await node.NewUserAsync("alice");
        using var bob = await node.NewUserAsync("bob");
        await alice.BefriendAsync(bob);

        var html = PageFiles.Substitute(await File.ReadAllTextAsync(PageFiles.Html), alice.UserId, alice.Token, bob.UserId, node.BaseUri);
        await using var site = await PageSite.StartAsync(html, await File.ReadAllBytesAsync(PageFiles.Script));
        var context = await chromium.Browser.NewContextAsync();
        context.SetDefaultTimeout((float)Wait.TotalMilliseconds);
        var page = await context.NewPageAsync();
        var console = new ConsoleLog();
        page.Console += (_, m) => console.Add(m.Text);
        page.PageError += (_, e) => console.Error(e);
        await page.GotoAsync(site.Uri + "seed003.html");
        await console.WaitForAsync("open", Wait);

        // The list first: its 200 says the page's sign went through (frames are handled in order), so it is online.
        await page.GetByRole(AriaRole.Button, new() { Name = "获取消息会话列表（及未读数，分页）" }).ClickAsync();
        await console.WaitForAsync("message type: getconversationlist", Wait);
        Assert.Equal("message code: 200", console.After("message type: getconversationlist", 1));

        // Bob writes from his own client: the page logs the pushed message's fields.
        await using var bobSocket = await ProtoSocket.ConnectAsync(node.BaseUri);
        await bobSocket.SignAsync(bob.UserId, bob.Token);
        await bobSocket.SendTextAsync(alice.UserId, "你好 alice, from bob");
        await console.WaitForAsync("消息内容: 你好 alice, from bob", Wait);
        Assert.Contains(console.Lines, l => l.StartsWith("消息id: ", StringComparison.Ordinal) && long.Parse(l["消息id: ".Length..]) > 0);
        Assert.Contains($"发送者id: {bob.UserId}", console.Lines);
        Assert.Contains("发送者昵称: bob", console.Lines);
        Assert.Contains($"接收者id: {alice.UserId}", console.Lines);
        Assert.Contains("消息类型: 1", console.Lines);

        // 发送消息: the page's hard-coded text reaches Bob (its receiver id is the one substituted).
        await page.GetByRole(AriaRole.Button, new() { Name = "发送消息" }).ClickAsync();
        var pushed = await bobSocket.ExpectAsync("message", Wait);
        var item = Wire.MessageItem.Parser.ParseFrom(pushed.Data);
        Assert.Equal(alice.UserId, item.SenderId);
        Assert.Equal(1, item.ReceiverType);
        Assert.Equal(bob.UserId, item.ReceiverId);
        Assert.Equal(alice.UserId, item.ConversationId); // Bob's copy: the conversation is Alice
        Assert.Equal("发消息2", item.MessageBody.MessageContent.Text.Text_);
        await console.WaitForAsync("message type: sendmessage", Wait);
        Assert.Equal("message code: 200", console.After("message type: sendmessage", 1));

        // 获取消息会话列表 again: the conversation with Bob, its newest message (the page's own), read (the send marks it).
        console.Clear();
        await page.GetByRole(AriaRole.Button, new() { Name = "获取消息会话列表（及未读数，分页）" }).ClickAsync();
        await console.WaitForAsync("未读数: 0", Wait);
        Assert.Contains("message code: 200", console.Lines);
        Assert.Contains($"会话id: {bob.UserId}", console.Lines);
        Assert.Contains("会话类型: 1", console.Lines);
        Assert.Contains($"会话人id: {bob.UserId}", console.Lines);
        Assert.Contains("会话人昵称（或群昵称）: bob", console.Lines);
        Assert.Contains("最新的一条消息的内容: 发消息2", console.Lines);

        // 根据会话id获取消息: both messages, newest first.
        console.Clear();
        await page.GetByRole(AriaRole.Button, new() { Name = "根据会话id获取消息" }).ClickAsync();
        await console.WaitForAsync("message type: sync", Wait);
        await Until.TrueAsync(() => console.Lines.Count(l => l.StartsWith("消息发送时间戳:", StringComparison.Ordinal)) == 2, Wait, "two messages in the sync reply");
        Assert.Equal("message code: 200", console.After("message type: sync", 1));
        Assert.StartsWith("消息列表:", console.After("message type: sync", 3));
        var senders = console.Lines.Where(l => l.StartsWith("发送者id:", StringComparison.Ordinal)).ToList();
        Assert.Equal([$"发送者id: {alice.UserId}", $"发送者id: {bob.UserId}"], senders);
        Assert.Contains("发送者昵称: alice", console.Lines);

        Assert.Empty(console.Errors);
        await context.CloseAsync();
    }

    /// <summary>What the page logs, in order; the page's uncaught errors apart.</summary>
    private sealed class ConsoleLog
    {
        private readonly List<string> _lines = [];
        private readonly ConcurrentQueue<string> _errors = new();

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines) return [.. _lines];
            }
        }

        public IReadOnlyCollection<string> Errors => _errors;

        public void Add(string line)
        {
            lock (_lines) _lines.Add(line);
        }

        public void Error(string error) => _errors.Enqueue(error);

        public void Clear()
        {
            lock (_lines) _lines.Clear();
        }

        /// <summary>The line <paramref name="offset"/> after the last one equal to <paramref name="line"/>.</summary>
        public string After(string line, int offset)
        {
            var lines = Lines;
            var at = lines.ToList().FindLastIndex(l => l == line);
            return at >= 0 && at + offset < lines.Count ? lines[at + offset] : $"(nothing {offset} after '{line}')";
        }

        public Task WaitForAsync(string line, TimeSpan bound) =>
            Until.TrueAsync(() => Lines.Contains(line) || !_errors.IsEmpty, bound, $"the page to log '{line}' (it logged: {string.Join(" | ", Lines.TakeLast(12))})")
                .ContinueWith(t =>
                {
                    if (!_errors.IsEmpty) throw new InvalidOperationException("the page threw: " + string.Join(" | ", _errors));
                    t.GetAwaiter().GetResult();
                }, TaskScheduler.Default);
    }

    /// <summary>The page and its script on a loopback port of their own, as a developer would open them from a folder.</summary>
    private sealed class PageSite(WebApplication app) : IAsyncDisposable
    {
        public Uri Uri { get; } = new(app.Urls.First() + "/");

        public static async Task<PageSite> StartAsync(string html, byte[] script)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapGet("/seed003.html", () => Results.Content(html, "text/html; charset=utf-8"));
            app.MapGet("/client_message.js", () => Results.Bytes(script, "text/javascript"));
            await app.StartAsync();
            return new PageSite(app);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
