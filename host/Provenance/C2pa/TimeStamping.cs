using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Tsp;

namespace Provenance.C2pa;

/// <summary>RFC 3161 time stamps for claim signatures (C2PA 2.2 §10.3.2.5).</summary>
public static class TimeStamping
{
    /// <summary>Requests a time stamp token over SHA-256(<paramref name="data"/>) from <paramref name="authority"/>; returns the TimeStampToken DER.</summary>
    public static async Task<byte[]> RequestTokenAsync(Uri authority, byte[] data, HttpClient? http, CancellationToken cancellationToken)
    {
        var generator = new TimeStampRequestGenerator();
        generator.SetCertReq(true);
        byte[] nonce = RandomNumberGenerator.GetBytes(8);
        TimeStampRequest request = generator.Generate(TspAlgorithms.Sha256, SHA256.HashData(data), new BigInteger(1, nonce));

        HttpClient client = http ?? SharedClient;
        using var content = new ByteArrayContent(request.GetEncoded());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
        using HttpResponseMessage response = await client.PostAsync(authority, content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new TimeStampException($"time-stamp authority {authority} answered HTTP {(int)response.StatusCode}");
        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);

        TimeStampResponse tsr;
        try
        {
            tsr = new TimeStampResponse(body);
            tsr.Validate(request);
        }
        catch (Exception e) when (e is TspException or TspValidationException or System.IO.IOException or ArgumentException)
        {
            throw new TimeStampException($"time-stamp authority {authority} sent an unusable response: {e.Message}");
        }
        if (tsr.TimeStampToken == null)
            throw new TimeStampException($"time-stamp authority {authority} refused the request: {tsr.GetStatusString() ?? "no token"}");
        return tsr.TimeStampToken.GetEncoded();
    }

    /// <summary>
    /// Like <see cref="RequestTokenAsync"/>, but a time stamp that cannot be had (no network, the authority down,
    /// refusing or answering nonsense) is not an error: the signature stands without it, and the reason is returned
    /// so the artist is told that no time stamp was added. Cancellation by the caller still cancels.
    /// </summary>
    public static async Task<(byte[]? Token, string? Problem)> TryRequestTokenAsync(Uri authority, byte[] data, HttpClient? http, CancellationToken cancellationToken)
    {
        try
        {
            return (await RequestTokenAsync(authority, data, http, cancellationToken).ConfigureAwait(false), null);
        }
        catch (TimeStampException e)
        {
            return (null, e.Message);
        }
        catch (HttpRequestException e)
        {
            return (null, $"time-stamp authority {authority} could not be reached ({e.Message})");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"time-stamp authority {authority} did not answer within {(http ?? SharedClient).Timeout.TotalSeconds:0} s");
        }
    }

    private static readonly HttpClient SharedClient = new() { Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>Parses a stored token: a TimeStampToken (ContentInfo) or a whole TimeStampResp (v1 `sigTst`).</summary>
    public static TimeStampToken ParseToken(byte[] stored)
    {
        try
        {
            return new TimeStampToken(ContentInfo.GetInstance(Asn1Object.FromByteArray(stored)));
        }
        catch (Exception first) when (first is ArgumentException or TspException or System.IO.IOException or InvalidCastException)
        {
            var response = new TimeStampResponse(stored);
            return response.TimeStampToken ?? throw new TspException("time-stamp response carries no token");
        }
    }
}

/// <summary>Getting a time stamp failed: names the authority and what went wrong.</summary>
public sealed class TimeStampException(string message) : Exception(message);
