using System.Collections.Immutable;
using System.Text;
using HaApi.Integrations.Snmp;
using HaApi.Integrations.Snmp.Ber;
using HaApi.Integrations.Snmp.Protocol;
using HaApi.Integrations.Snmp.Usm;

namespace HaApi.Integrations.Tests.Snmp;

public class UsmTests
{
    private static readonly byte[] Rfc3414EngineId = Convert.FromHexString("000000000000000000000002");

    [Fact]
    public void Sha1_password_to_key_and_localisation_match_RFC_3414_A_3_2()
    {
        byte[] ku = UsmKeyLocalizer.PasswordToKey(SnmpAuthProtocol.HmacSha1, "maplesyrup"u8);
        Assert.Equal("9FB5CC0381497B3793528939FF788D5D79145211", Convert.ToHexString(ku));
        byte[] kul = UsmKeyLocalizer.Localize(SnmpAuthProtocol.HmacSha1, ku, Rfc3414EngineId);
        Assert.Equal("6695FEBC9288E36282235FC7151F128497B38F3F", Convert.ToHexString(kul));
    }

    [Fact]
    public void Sha256_password_to_key_and_localisation_follow_RFC_7860()
    {
        // Same algorithm as RFC 3414 A.2 with SHA-256 (RFC 7860 §9.3); value cross-checked with Python's hashlib.
        byte[] ku = UsmKeyLocalizer.PasswordToKey(SnmpAuthProtocol.HmacSha256, "maplesyrup"u8);
        Assert.Equal("AB51014D1E077F6017DF2B12BEE5F5AA72993177E9BB569C4DFF5A4CA0B4AFAC", Convert.ToHexString(ku));
        byte[] kul = UsmKeyLocalizer.Localize(SnmpAuthProtocol.HmacSha256, ku, Rfc3414EngineId);
        Assert.Equal("8982E0E549E866DB361A6B625D84CCCC11162D453EE8CE3A6445C2D6776F0F8B", Convert.ToHexString(kul));
    }

    [Fact]
    public void Passphrases_shorter_than_eight_octets_are_refused()
    {
        Assert.Throws<ArgumentException>(() => UsmKeyLocalizer.PasswordToKey(SnmpAuthProtocol.HmacSha1, "short"u8));
    }

    [Fact]
    public void Aes_cfb_is_a_stream_cipher_that_round_trips_odd_lengths()
    {
        byte[] key = Convert.FromHexString("000102030405060708090A0B0C0D0E0F");
        byte[] salt = Convert.FromHexString("0102030405060708");
        byte[] plain = Encoding.ASCII.GetBytes("a scoped PDU of 37 octets, not 16-ali");
        byte[] cipher = Aes128CfbPrivacy.Encrypt(key, 7, 1234, salt, plain);
        Assert.Equal(plain.Length, cipher.Length);
        Assert.NotEqual(plain, cipher);
        Assert.Equal(plain, Aes128CfbPrivacy.Decrypt(key, 7, 1234, salt, cipher));
        // The IV includes boots and time: a different engine time must not decrypt.
        Assert.NotEqual(plain, Aes128CfbPrivacy.Decrypt(key, 7, 1235, salt, cipher));
    }

    [Fact]
    public void Aes_cfb_first_block_equals_aes_of_the_iv_xor_plaintext()
    {
        // CFB-128: C1 = AES_K(IV) xor P1, IV = boots || time || salt (RFC 3826 §3.1.2.1).
        byte[] key = Convert.FromHexString("2B7E151628AED2A6ABF7158809CF4F3C");
        byte[] iv = Convert.FromHexString("00000001000000020303030303030303");
        byte[] plain = new byte[5];
        byte[] cipher = Aes128CfbPrivacy.Encrypt(key, 1, 2, iv[8..], plain);
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = key;
        byte[] keystream = aes.EncryptEcb(iv, System.Security.Cryptography.PaddingMode.None);
        Assert.Equal(keystream[..5], cipher);
    }

    [Theory]
    [InlineData(SnmpAuthProtocol.HmacSha1, SnmpSecurityLevel.AuthPriv)]
    [InlineData(SnmpAuthProtocol.HmacSha256, SnmpSecurityLevel.AuthPriv)]
    [InlineData(SnmpAuthProtocol.HmacSha256, SnmpSecurityLevel.AuthNoPriv)]
    public void V3_message_authenticates_encrypts_and_detects_tampering(SnmpAuthProtocol auth, SnmpSecurityLevel level)
    {
        var user = new UsmUser("haapi", level, auth, "auth-pass-123", "priv-pass-456");
        byte[] engineId = Convert.FromHexString("80007FD30568617069");
        var pdu = new SnmpPdu(BerTag.SnmpV2TrapPdu, 42, 0, 0,
            [new VarBind(ObjectIdentifier.Parse("1.3.6.1.4.1.32723.1.1"), new SnmpOctetString("pm01"))]);

        byte[] wire = SnmpV3Message.Encode(99, reportable: false, user, engineId, 3, 5000, engineId, pdu);

        Assert.Equal(level == SnmpSecurityLevel.AuthPriv, !ContainsAscii(wire, "pm01"));
        var (offset, length) = SnmpV3Message.LocateAuthParameters(wire);
        Assert.Equal(auth.MacLength(), length);
        Assert.Contains(wire.AsSpan(offset, length).ToArray(), b => b != 0);

        var received = SnmpV3Message.Decode(wire, user);
        Assert.Equal(99, received.MessageId);
        Assert.Equal(engineId, received.EngineId);
        Assert.Equal((3, 5000), (received.EngineBoots, received.EngineTime));
        Assert.Equal("haapi", received.UserName);
        Assert.True(pdu.VarBinds.SequenceEqual(received.Pdu!.VarBinds));

        byte[] tampered = (byte[])wire.Clone();
        tampered[^1] ^= 0x01;
        Assert.Throws<SnmpAuthenticationException>(() => SnmpV3Message.Decode(tampered, user));

        var wrongKey = new UsmUser("haapi", level, auth, "another-pass", "priv-pass-456");
        Assert.Throws<SnmpAuthenticationException>(() => SnmpV3Message.Decode(wire, wrongKey));
    }

    [Fact]
    public void Discovery_probe_is_unauthenticated_reportable_and_has_an_empty_user()
    {
        var probe = new SnmpPdu(BerTag.GetRequestPdu, 7, 0, 0, ImmutableArray<VarBind>.Empty);
        byte[] wire = SnmpV3Message.Encode(8, reportable: true, user: null, [], 0, 0, [], probe);
        var received = SnmpV3Message.Decode(wire, null);
        Assert.Equal(SnmpV3Message.FlagReportable, received.Flags);
        Assert.Empty(received.EngineId);
        Assert.Equal("", received.UserName);
        Assert.Equal(BerTag.GetRequestPdu, received.Pdu!.Type);
    }

    [Fact]
    public void Users_and_keys_never_print_secrets()
    {
        var user = new UsmUser("haapi", SnmpSecurityLevel.AuthPriv, SnmpAuthProtocol.HmacSha1, "auth-pass-123", "priv-pass-456");
        var keys = user.KeysFor([1, 2, 3, 4, 5]);
        Assert.DoesNotContain("pass", user.ToString());
        Assert.DoesNotContain(Convert.ToHexString(keys.Auth!)[..6], keys.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    private static bool ContainsAscii(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(needle)) >= 0;
}
