using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.Utilities.Collections;

namespace Provenance.Tests.TestSupport;

/// <summary>An RFC 3161 time-stamp authority (BouncyCastle) served over HTTP on 127.0.0.1, with a certificate from the test root.</summary>
internal sealed class LocalTimeStampAuthority : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly TimeStampTokenGenerator _generator;
    private readonly CancellationTokenSource _stop = new();
    private long _serial;

    public LocalTimeStampAuthority(TestPki pki)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Test TSA, O=ProvenanceDevice Tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        // RFC 3161 §2.3: the TSA certificate's EKU is critical and only timeStamping.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.8")], true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(pki.Root, true, false));
        Certificate = request.Create(pki.Root.SubjectName, X509SignatureGenerator.CreateForECDsa(pki.RootKey), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), RandomNumberGenerator.GetBytes(8));

        var bcCertificate = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(Certificate.RawData);
        var bcRoot = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(pki.Root.RawData);
        _generator = new TimeStampTokenGenerator(DotNetUtilities.GetRsaKeyPair(key).Private, bcCertificate, TspAlgorithms.Sha256, "1.2.3.4.1");
        _generator.SetCertificates(CollectionUtilities.CreateStore(new[] { bcCertificate, bcRoot }));

        int port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/tsa");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public Uri Url { get; }
    public X509Certificate2 Certificate { get; }
    public int Requests { get; private set; }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var request = new TimeStampRequest(body.ToArray());
            var responder = new TimeStampResponseGenerator(_generator, TspAlgorithms.Allowed);
            TimeStampResponse response = responder.Generate(request, BigInteger.ValueOf(Interlocked.Increment(ref _serial)), DateTime.UtcNow);
            Requests++;
            byte[] encoded = response.GetEncoded();
            context.Response.ContentType = "application/timestamp-reply";
            context.Response.ContentLength64 = encoded.Length;
            await context.Response.OutputStream.WriteAsync(encoded);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }
}
