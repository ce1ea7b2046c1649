global using AkkaChat.Edge.Tests.Sockets;
global using AkkaChat.Edge.Tests.V2;
global using Xunit;
