namespace AkkaChat.Edge.Tests.Operations;

using System.Net;
using AkkaChat.Edge.Hosting;
using AkkaChat.Edge.Operations;

/// <summary>Who may scrape <c>/metrics</c> (a non-loopback client cannot be made here, so the decision is tested directly), and the test's own parser.</summary>
public sealed class MetricsAccessTests
{
    [Theory]
    [InlineData("127.0.0.1", false, true)]
    [InlineData("127.0.0.9", false, true)]
    [InlineData("::1", false, true)]
    [InlineData("::ffff:127.0.0.1", false, true)]
    [InlineData("10.0.0.5", false, false)]
    [InlineData("192.168.1.20", false, false)]
    [InlineData("2001:db8::1", false, false)]
    [InlineData("::ffff:10.0.0.5", false, false)]
    [InlineData("10.0.0.5", true, true)]
    [InlineData("2001:db8::1", true, true)]
    public void Only_loopback_callers_are_answered_unless_remote_scrapes_are_allowed(string caller, bool remoteAllowed, bool answered) =>
        Assert.Equal(answered, MetricsEndpoint.Allows(IPAddress.Parse(caller), remoteAllowed));

    [Fact]
    public void A_caller_without_an_address_is_refused_unless_remote_scrapes_are_allowed()
    {
        Assert.False(MetricsEndpoint.Allows(null, remoteAllowed: false));
        Assert.True(MetricsEndpoint.Allows(null, remoteAllowed: true));
    }

    [Fact]
    public void Remote_scrapes_are_off_by_default_and_the_setting_takes_only_true_or_false()
    {
        Assert.False(ChatOptions.Load(new Dictionary<string, string?>()).MetricsRemote);
        Assert.True(ChatOptions.Load(new Dictionary<string, string?> { ["AKKACHAT_METRICS_REMOTE"] = "true" }).MetricsRemote);
        Assert.False(ChatOptions.Load(new Dictionary<string, string?> { ["AKKACHAT_METRICS_REMOTE"] = "FALSE" }).MetricsRemote);
        var e = Assert.Throws<ArgumentException>(() => ChatOptions.Load(new Dictionary<string, string?> { ["AKKACHAT_METRICS_REMOTE"] = "yes" }));
        Assert.Contains("AKKACHAT_METRICS_REMOTE", e.Message);
    }

    [Theory]
    [InlineData("akkachat_x 1 2 3")]
    [InlineData("akkachat_x{a=\"1\" 1")]
    [InlineData("akkachat_x{a=1} 1")]
    [InlineData("akkachat_x{a=\"1\",a=\"2\"} 1")]
    [InlineData("akkachat_x one")]
    [InlineData("1akkachat 1")]
    [InlineData("akkachat_x")]
    public void The_parser_refuses_what_is_not_a_sample(string line) =>
        Assert.Throws<FormatException>(() => PrometheusText.Parse(line));

    [Fact]
    public void The_parser_reads_labels_escapes_and_special_values()
    {
        var samples = PrometheusText.Parse("# HELP x y\n# TYPE x counter\nx_total{a=\"q\\\"uote\",b=\"\"} 3 1700000000000\n\ny_bucket{le=\"+Inf\"} +Inf\nz NaN\n");
        Assert.Equal(3, samples.Count);
        Assert.Equal("q\"uote", samples[0].Labels["a"]);
        Assert.Equal(3, samples.Find("x_total", ("b", "")));
        Assert.True(double.IsPositiveInfinity(samples[1].Value));
    }
}
