namespace AkkaChat.Edge.Tests;

/// <summary>
/// How long a test listens to assert that nothing (more) arrives. Silence can only be observed for a while: long enough
/// that a frame already on its way on loopback shows up, short enough to keep the suite fast.
/// </summary>
public static class Quiet
{
    /// <summary>On one node.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(400);

    /// <summary>When what would arrive crosses a second node first.</summary>
    public static readonly TimeSpan AcrossNodes = TimeSpan.FromMilliseconds(600);
}
