using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Provenance.Fingerprint;

namespace Provenance.Registry;

/// <summary>A match as the soft-binding resolution API answers it (`distance` is ours, added).</summary>
public sealed record RemoteMatch(string ManifestId, int? SimilarityScore, int? Distance, string? Endpoint);

/// <summary>
/// Talks to a soft-binding resolution API (C2PA 2.2 "Decoupled" soft binding; `prov registry serve` is one):
/// `GET /matches/byBinding`, `GET /manifests/{id}`, and our `POST /manifests` to register.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    /// <summary>Largest answer read: a manifest store (<see cref="SoftBindingRegistry.MaxStoreBytes"/>) or a list of matches.</summary>
    public const int MaxResponseBytes = SoftBindingRegistry.MaxStoreBytes;

    private readonly HttpClient http;

    public RegistryClient(Uri baseAddress, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (baseAddress.Scheme is not ("http" or "https")) throw new ArgumentException("a registry URL starts with http:// or https://", nameof(baseAddress));
        BaseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        http = new HttpClient { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(60), MaxResponseContentBufferSize = MaxResponseBytes };
    }

    public Uri BaseAddress { get; }

    /// <summary>The `value` of a query for an Image-Code: base64 of the ISCC unit (header and 64-bit digest), as the API asks for base64.</summary>
    public static string QueryValue(IsccImageCode code)
    {
        var bytes = new byte[10];
        bytes[0] = 0x21;
        bytes[1] = 0x01;
        for (int i = 0; i < 8; i++) bytes[2 + i] = (byte)(code.Hash >> (56 - 8 * i));
        return Convert.ToBase64String(bytes);
    }

    /// <summary>Registered works near <paramref name="code"/>, nearest first.</summary>
    public async Task<IReadOnlyList<RemoteMatch>> MatchesAsync(IsccImageCode code, int maxResults, CancellationToken cancellationToken)
    {
        string query = $"matches/byBinding?alg={Uri.EscapeDataString(IsccImageCode.Algorithm)}&value={Uri.EscapeDataString(QueryValue(code))}&maxResults={maxResults.ToString(CultureInfo.InvariantCulture)}";
        using HttpResponseMessage response = await http.GetAsync(query, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, "byBinding", cancellationToken).ConfigureAwait(false);
        JsonNode? root = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var matches = new List<RemoteMatch>();
        if (root?["matches"] is not JsonArray list) throw new InvalidDataException($"the registry {BaseAddress} answered without a matches list");
        foreach (JsonNode? item in list)
        {
            if (item?["manifestId"]?.GetValue<string>() is not { Length: > 0 } id) continue;
            matches.Add(new RemoteMatch(id, Int(item["similarityScore"]), Int(item["distance"]), item["endpoint"]?.GetValue<string>()));
        }
        return matches;
    }

    /// <summary>The manifest store registered under <paramref name="manifestId"/>, or null when the registry has none.</summary>
    public async Task<byte[]?> ManifestStoreAsync(string manifestId, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await http.GetAsync("manifests/" + Uri.EscapeDataString(manifestId), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, "manifests", cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Registers a manifest store (its signed soft binding is what finds it); returns the manifest id the registry stored.</summary>
    public async Task<string> RegisterAsync(byte[] store, string? title, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var content = new ByteArrayContent(store);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/c2pa");
        string path = title is null ? "manifests" : "manifests?title=" + Uri.EscapeDataString(title);
        using HttpResponseMessage response = await http.PostAsync(path, content, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, "register", cancellationToken).ConfigureAwait(false);
        JsonNode? root = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return root?["manifestId"]?.GetValue<string>() ?? throw new InvalidDataException($"the registry {BaseAddress} did not say which manifest it stored");
    }

    private async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        string body = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
        if (body.Length > 300) body = body[..300];
        throw new HttpRequestException($"the registry {BaseAddress} refused {what}: {(int)response.StatusCode} {body}", null, response.StatusCode);
    }

    private static int? Int(JsonNode? node) => node is JsonValue v && v.TryGetValue(out int i) ? i : null;

    public void Dispose() => http.Dispose();
}
