global using AkkaChat.Edge.Tests;
global using AkkaChat.Edge.Tests.V2;
global using Xunit;

// Each test runs a cluster of three or four node processes: one at a time on a small machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
