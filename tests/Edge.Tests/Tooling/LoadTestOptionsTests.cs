namespace AkkaChat.Edge.Tests.Tooling;

using System.Net;
using System.Net.Sockets;
using AkkaChat.LoadTest.Cli;
using AkkaChat.LoadTest.Sockets;

/// <summary>The load harness's command line: several nodes, several server processes, a result file kept by default.</summary>
public sealed class LoadTestOptionsTests
{
    [Fact]
    public void Urls_repeated_or_comma_separated_are_all_loaded_and_the_first_does_the_set_up()
    {
        var o = LoadOptions.Parse(["direct", "--url", "http://127.0.0.1:8081,http://127.0.0.1:8082", "--url=http://127.0.0.1:8083", "--url", "http://127.0.0.1:8081"]);
        Assert.Equal(["http://127.0.0.1:8081/", "http://127.0.0.1:8082/", "http://127.0.0.1:8083/"], o.Urls.Select(u => u.ToString()));
        Assert.Equal("http://127.0.0.1:8081/", o.Url.ToString());
    }

    [Fact]
    public void A_single_url_is_the_only_node()
    {
        var o = LoadOptions.Parse(["direct", "--url", "http://localhost:8080"]);
        Assert.Equal([o.Url], o.Urls);
        Assert.Empty(o.ServerPids);
    }

    [Fact]
    public void Every_url_must_be_loopback()
    {
        var e = Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["direct", "--url", "http://127.0.0.1:8081,http://10.0.0.1:8082"]));
        Assert.Contains("10.0.0.1", e.Message);
    }

    [Fact]
    public void The_protocol_is_seed000_or_v2_and_the_old_word_v1_names_its_new_one()
    {
        Assert.Equal("seed000", LoadOptions.Parse(["direct", "--url", "http://127.0.0.1:8080"]).Protocol);
        Assert.Equal("v2", LoadOptions.Parse(["direct", "--url", "http://127.0.0.1:8080", "--protocol", "v2"]).Protocol);
        var e = Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["direct", "--url", "http://127.0.0.1:8080", "--protocol", "v1"]));
        Assert.Contains("--protocol seed000", e.Message);
    }

    [Fact]
    public void Server_pids_accumulate_and_must_be_numbers()
    {
        var o = LoadOptions.Parse(["direct", "--url", "http://127.0.0.1:8080", "--server-pid", "10,11", "--server-pid", "12"]);
        Assert.Equal([10, 11, 12], o.ServerPids);
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["direct", "--url", "http://127.0.0.1:8080", "--server-pid", "ten"]));
    }

    [Fact]
    public void Without_out_the_result_is_kept_under_loadtest_results()
    {
        var o = LoadOptions.Parse(["find-max", "--url", "http://127.0.0.1:8080", "--label", "node 1/a"]);
        Assert.NotNull(o.OutFile);
        Assert.Equal("loadtest-results", Path.GetDirectoryName(o.OutFile));
        Assert.Matches(@"^node_1_a-find-max-\d{8}T\d{6}Z\.json$", Path.GetFileName(o.OutFile));
        Assert.Equal("r.json", LoadOptions.Parse(["direct", "--url", "http://127.0.0.1:8080", "--out", "r.json"]).OutFile);
    }

    /// <summary>One connector serves every node: each connection goes to the port its URL names (it once always went to the first).</summary>
    [Fact]
    public async Task The_connector_opens_each_connection_to_the_node_its_url_names()
    {
        var first = new TcpListener(IPAddress.Loopback, 0);
        var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        try
        {
            var firstUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)first.LocalEndpoint).Port}/");
            var secondUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)second.LocalEndpoint).Port}/");
            using var connector = new SocketConnector(firstUrl, sourceAddresses: 2);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));

            // The request is never answered: what matters is which listener accepts its connection.
            var request = connector.Invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, secondUrl), cts.Token);
            using var accepted = await second.AcceptTcpClientAsync(cts.Token);
            Assert.True(IPAddress.IsLoopback(((IPEndPoint)accepted.Client.RemoteEndPoint!).Address));
            Assert.False(first.Pending());
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => request);
        }
        finally
        {
            first.Stop();
            second.Stop();
        }
    }
}
