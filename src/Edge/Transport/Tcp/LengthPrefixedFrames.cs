namespace AkkaChat.Edge.Transport.Tcp;

using System.Buffers.Binary;
using System.Net.WebSockets;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;

/// <summary>
/// The TCP edge's framing: each frame is a 4-byte big-endian length and that many bytes. Inbound, this stage cuts the
/// connection's bytes into frames, ends the read side on a length that is not 1..<c>maxFrameBytes</c> or when no frame
/// completes for <c>idle</c>, and reports why through <c>refuse</c>.
/// </summary>
/// <remarks>
/// Akka's <c>Framing.LengthField</c> and <c>IdleTimeout</c> fail the stream instead, and a failure that reaches the TCP
/// stage aborts the connection (a reset: what was queued for the client is lost). Ending the read side normally lets the
/// connection close after the frames already queued. The stage pulls the next bytes only when it holds no whole frame, so
/// it buffers at most one frame and one read.
/// </remarks>
public sealed class LengthPrefixedFrames : GraphStage<FlowShape<ByteString, byte[]>>
{
    public const int HeaderBytes = 4;

    private readonly int _maxFrameBytes;
    private readonly TimeSpan _idle;
    private readonly Action<WebSocketCloseStatus, string> _refuse;
    private readonly Inlet<ByteString> _in = new("tcp-frames.in");
    private readonly Outlet<byte[]> _out = new("tcp-frames.out");

    /// <param name="refuse">Called once, on the stream's thread, when this stage ends the read side for a reason of its own.</param>
    public LengthPrefixedFrames(int maxFrameBytes, TimeSpan idle, Action<WebSocketCloseStatus, string> refuse)
    {
        _maxFrameBytes = maxFrameBytes;
        _idle = idle;
        _refuse = refuse;
        Shape = new FlowShape<ByteString, byte[]>(_in, _out);
    }

    public override FlowShape<ByteString, byte[]> Shape { get; }

    /// <summary>One outbound frame: the header and <paramref name="payload"/> in one buffer (a single write).</summary>
    public static ByteString Encode(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderBytes + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame.AsSpan(HeaderBytes));
        return ByteString.FromBytes(frame); // wraps the array, no copy
    }

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : TimerGraphStageLogic, IInHandler, IOutHandler
    {
        private const string IdleTimer = "idle";

        private readonly LengthPrefixedFrames _stage;
        private ByteString _buffer = ByteString.Empty;
        private long _lastFrameAt = Environment.TickCount64;

        public Logic(LengthPrefixedFrames stage) : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage._in, this);
            SetHandler(stage._out, this);
        }

        public override void PreStart() => ScheduleOnce(IdleTimer, _stage._idle);

        public void OnPull() => TryPushFrame();

        public void OnPush()
        {
            var bytes = Grab(_stage._in);
            _buffer = _buffer.IsEmpty ? bytes : _buffer.Concat(bytes);
            TryPushFrame();
        }

        /// <summary>The client ended its side; a partial frame it leaves behind is dropped (nothing to answer it on).</summary>
        public void OnUpstreamFinish()
        {
            if (_buffer.IsEmpty) CompleteStage();
            else TryPushFrame();
        }

        public void OnUpstreamFailure(Exception e) => FailStage(e);

        public void OnDownstreamFinish(Exception cause) => CompleteStage();

        protected override void OnTimer(object timerKey)
        {
            var quiet = TimeSpan.FromMilliseconds(Environment.TickCount64 - _lastFrameAt);
            if (quiet < _stage._idle)
            {
                ScheduleOnce(IdleTimer, _stage._idle - quiet);
                return;
            }
            End(WebSocketCloseStatus.PolicyViolation, $"idle: no frame for {_stage._idle.TotalSeconds:0.###} s");
        }

        /// <summary>Pushes the next whole frame if downstream wants one, else pulls for more bytes (or ends with the input).</summary>
        private void TryPushFrame()
        {
            if (!IsAvailable(_stage._out)) return;
            if (_buffer.Count >= HeaderBytes)
            {
                var length = _buffer[0] << 24 | _buffer[1] << 16 | _buffer[2] << 8 | _buffer[3];
                if (length <= 0 || length > _stage._maxFrameBytes)
                {
                    End(WebSocketCloseStatus.MessageTooBig, length <= 0
                        ? $"bad frame length {length}: a frame carries 1 to {_stage._maxFrameBytes} bytes"
                        : $"frames are limited to {_stage._maxFrameBytes} bytes (got a length of {length})");
                    return;
                }
                if (_buffer.Count >= HeaderBytes + length)
                {
                    var frame = _buffer.Slice(HeaderBytes, length).ToArray();
                    _buffer = _buffer.Count == HeaderBytes + length ? ByteString.Empty : _buffer.Slice(HeaderBytes + length).Compact();
                    _lastFrameAt = Environment.TickCount64;
                    Push(_stage._out, frame);
                    return;
                }
            }
            if (IsClosed(_stage._in)) CompleteStage();
            else if (!HasBeenPulled(_stage._in)) Pull(_stage._in);
        }

        /// <summary>Ends the read side for a reason of this stage: downstream completes, the TCP stage stops reading.</summary>
        private void End(WebSocketCloseStatus status, string reason)
        {
            _buffer = ByteString.Empty;
            _stage._refuse(status, reason);
            CompleteStage();
        }
    }
}
