using System;
using Microsoft.Extensions.Primitives;

namespace Provenance.Cli.Serve;

/// <summary>
/// Who may talk to `prov serve`: requests addressed to this computer's loopback names on our port, from our own page
/// or from no page at all (curl, scripts). Everything else is refused before any work is done.
/// </summary>
/// <remarks>
/// Binding to loopback keeps other computers out, but not other web sites: any page the user has open can POST to
/// http://127.0.0.1:PORT/ (its `Origin` names that page), and a site whose DNS name is re-pointed at 127.0.0.1 after
/// loading (DNS rebinding) reaches us with its own name in `Host`. Checking both closes the two doors.
/// </remarks>
public sealed class RequestGuard
{
    private readonly string[] _hosts;

    public RequestGuard(int port)
    {
        // [::1] too: `localhost` resolves to it first on many systems and we listen there as well; an IP literal
        // cannot be rebound.
        _hosts = [$"127.0.0.1:{port}", $"localhost:{port}", $"[::1]:{port}"];
        Addresses = $"http://127.0.0.1:{port}/ and http://localhost:{port}/";
    }

    /// <summary>The addresses the page answers on, as a person would type them.</summary>
    public string Addresses { get; }

    /// <summary>Null when the request may proceed; otherwise the one-line reason it is refused (403).</summary>
    public string? Refusal(string? host, StringValues origin)
    {
        if (string.IsNullOrEmpty(host) || Array.FindIndex(_hosts, h => string.Equals(h, host, StringComparison.OrdinalIgnoreCase)) < 0)
        {
            return $"refused: this page answers only on {Addresses}";
        }
        // Browsers send Origin on every POST and on cross-origin fetches; our own page's origin is the address it was
        // loaded from, which is the Host it talks to.
        if (origin.Count > 1 || (origin.Count == 1 && !string.Equals(origin[0], "http://" + host, StringComparison.OrdinalIgnoreCase)))
        {
            return "refused: requests from other web pages are not accepted";
        }
        return null;
    }
}
