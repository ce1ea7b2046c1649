namespace AkkaChat.Browser.Tests;

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

/// <summary>One person in one browser context: the steps a user takes in the web app, each wait bounded.</summary>
public sealed partial class ChatPage(IBrowserContext context, IPage page, string name)
{
    public const float Wait = 20_000;

    public IPage Page => page;
    public string Name => name;
    public long Id { get; private set; }

    public static async Task<ChatPage> OpenAsync(IBrowser browser, Uri baseUri, string name, int width, int height)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, BaseURL = baseUri.ToString() });
        context.SetDefaultTimeout(Wait);
        var page = await context.NewPageAsync();
        var chat = new ChatPage(context, page, name);
        page.Console += (_, m) => chat.Console.Add(m.Text);
        await page.GotoAsync("/");
        return chat;
    }

    public List<string> Console { get; } = [];

    public async Task RegisterAsync(string mobile)
    {
        var form = page.Locator("#register-form");
        await form.GetByLabel("Mobile").FillAsync(mobile);
        await form.GetByLabel("Nickname").FillAsync(name);
        await form.GetByLabel("Password").FillAsync("secret123");
        await form.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Expect(page.Locator("#me-name")).ToContainTextAsync(" · id ", new() { Timeout = Wait });
        Id = long.Parse(IdPattern().Match(await page.Locator("#me-name").InnerTextAsync()).Groups[1].Value);
        await Expect(page.Locator("#banner")).ToBeHiddenAsync(new() { Timeout = Wait });
    }

    public async Task ContactsAsync()
    {
        await page.Locator("#tab-contacts").ClickAsync();
        await Expect(page.Locator("#panel-contacts")).ToBeVisibleAsync();
    }

    public async Task ChatsAsync() => await page.Locator("#tab-chats").ClickAsync();

    public ILocator Conversation(string conv) => page.Locator($"button[data-conv='{conv}']");

    public ILocator Bubbles => page.Locator("#message-list li.msg");

    public ILocator Bubble(string text) => page.Locator("#message-list li.msg .text", new() { HasTextString = text });

    public async Task SendAsync(string text)
    {
        await page.Locator("#text").FillAsync(text);
        await page.Locator("#text").PressAsync("Enter");
    }

    public async Task ScreenshotAsync(string file)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, file) });
    }

    public Task CloseAsync() => context.CloseAsync();

    [GeneratedRegex(@"id (\d+)")]
    private static partial Regex IdPattern();
}
