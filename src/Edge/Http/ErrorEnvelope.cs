namespace AkkaChat.Edge.Http;

/// <summary>
/// The last line of defence for HTTP: an exception no handler expected becomes the documented envelope
/// (<c>{"code":-1,"msg":…}</c>, HTTP 200 for the API's POSTs as the seed client needs, 500 otherwise) and an error
/// in the log, instead of an empty 500. Handlers still refuse bad input themselves; this only catches what they missed.
/// </summary>
public static class ErrorEnvelope
{
    public const string Message = "the server could not handle this request";

    public static IApplicationBuilder UseErrorEnvelope(this IApplicationBuilder app)
    {
        var log = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ErrorEnvelope).FullName!);
        return app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (Exception e) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
            {
                log.LogError(e, "{Method} {Path} failed", http.Request.Method, http.Request.Path);
                http.Response.Clear();
                http.Response.StatusCode = HttpMethods.IsPost(http.Request.Method) ? StatusCodes.Status200OK : StatusCodes.Status500InternalServerError;
                await ApiReply.Fail(Message).ExecuteAsync(http);
            }
        });
    }
}
