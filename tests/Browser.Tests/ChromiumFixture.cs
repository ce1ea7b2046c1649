namespace AkkaChat.Browser.Tests;

using Microsoft.Playwright;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium, or AKKACHAT_CHROMIUM), headless, driven by Playwright; shared by a test class.
/// Never downloads a browser.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public static readonly string Executable = Environment.GetEnvironmentVariable("AKKACHAT_CHROMIUM") ?? "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable)) throw new InvalidOperationException($"{Executable} is missing: run `bash scripts/deps.sh chromium`");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Timeout = 60_000,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}
