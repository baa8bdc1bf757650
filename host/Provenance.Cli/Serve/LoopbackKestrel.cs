using System;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Provenance.Cli.Serve;

/// <summary>
/// The Kestrel settings `prov serve` and `prov registry serve` share: loopback only (127.0.0.1 and [::1]), HTTP/1.1,
/// no server header, bounded connections, bodies, header and keep-alive times and upload rate. What a request may do
/// once in is <see cref="RequestGuard"/>'s and each server's business.
/// </summary>
public static class LoopbackKestrel
{
    /// <summary>Connections held at once; more are refused at once rather than queued.</summary>
    public const int MaxConnections = 512;

    /// <summary>Time allowed for a request's headers to arrive (capped by the request timeout).</summary>
    public static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(10);

    /// <summary>An idle kept-alive connection is closed after this long.</summary>
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Slowest upload tolerated after a grace period: 4 KB/s is far below any loopback client.</summary>
    public static readonly MinDataRate MinUploadRate = new(bytesPerSecond: 4096, gracePeriod: TimeSpan.FromSeconds(5));

    public static void Configure(KestrelServerOptions kestrel, int port, long maxBodyBytes, TimeSpan requestTimeout)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.AddServerHeader = false;
        // 127.0.0.1 and [::1]: `localhost` resolves to either; if IPv6 is off, the IPv4 one is enough.
        kestrel.ListenLocalhost(port, listen => listen.Protocols = HttpProtocols.Http1);
        KestrelServerLimits limits = kestrel.Limits;
        limits.MaxConcurrentConnections = MaxConnections;
        limits.MaxConcurrentUpgradedConnections = 0;
        limits.MaxRequestBodySize = maxBodyBytes;
        limits.RequestHeadersTimeout = requestTimeout < HeadersTimeout ? requestTimeout : HeadersTimeout;
        limits.KeepAliveTimeout = KeepAliveTimeout;
        limits.MinRequestBodyDataRate = MinUploadRate;
    }
}
