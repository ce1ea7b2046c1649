using AkkaChat.Edge.Hosting;

var options = ChatOptions.Load(ChatOptions.ProcessEnvironment());
var app = ChatServer.Build(options, args);
app.Lifetime.ApplicationStarted.Register(() =>
    Console.WriteLine($"AkkaChat is listening on {string.Join(", ", app.Urls)} (data: {options.DataDir}, storage: {options.Storage.Kind})"));
await app.RunAsync();
