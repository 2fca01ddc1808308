using System.Collections.Immutable;
using System.Net;
using HaApi.Integrations.Snmp;
using HaApi.Integrations.Snmp.Ber;
using HaApi.Integrations.Snmp.Protocol;

namespace HaApi.Integrations.Tests.Snmp;

public class BerEncodingTests
{
    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);

    private static byte[] Encode(Action<BerWriter> write)
    {
        var writer = new BerWriter(4);
        write(writer);
        return writer.ToArray();
    }

    [Theory]
    [InlineData(0L, "020100")]
    [InlineData(127L, "02017F")]
    [InlineData(128L, "02020080")]
    [InlineData(256L, "02020100")]
    [InlineData(-1L, "0201FF")]
    [InlineData(-128L, "020180")]
    [InlineData(-129L, "0202FF7F")]
    [InlineData(2147483647L, "02047FFFFFFF")]
    [InlineData(-2147483648L, "020480000000")]
    public void Integer_is_minimal_twos_complement(long value, string expected)
    {
        Assert.Equal(expected, Hex(Encode(w => w.WriteInteger(value))));
        var reader = new BerReader(Convert.FromHexString(expected));
        Assert.Equal(value, reader.ReadInteger());
    }

    [Theory]
    [InlineData(BerTag.Counter32, 0UL, "410100")]
    [InlineData(BerTag.Counter32, 4294967295UL, "410500FFFFFFFF")]
    [InlineData(BerTag.Gauge32, 128UL, "42020080")]
    [InlineData(BerTag.TimeTicks, 98275UL, "4303017FE3")]
    [InlineData(BerTag.Counter64, 18446744073709551615UL, "460900FFFFFFFFFFFFFFFF")]
    public void Unsigned_application_types_never_look_negative(byte tag, ulong value, string expected)
    {
        Assert.Equal(expected, Hex(Encode(w => w.WriteUnsigned(tag, value))));
    }

    [Theory]
    [InlineData("1.3.6.1.4.1.32723.2.1", "060A2B0601040181FF530201")]
    [InlineData("1.3.6.1.2.1.1.3.0", "06082B06010201010300")]
    [InlineData("1.3.6.1.6.3.1.1.4.1.0", "060A2B060106030101040100")]
    [InlineData("2.999.3", "0603883703")]
    public void Object_identifier_packs_first_two_arcs_and_base128(string oid, string expected)
    {
        Assert.Equal(expected, Hex(Encode(w => w.WriteObjectIdentifier(ObjectIdentifier.Parse(oid)))));
        var reader = new BerReader(Convert.FromHexString(expected));
        Assert.Equal(oid, reader.ReadObjectIdentifier().ToString());
    }

    [Fact]
    public void Null_ip_address_and_octet_strings_use_their_tags()
    {
        Assert.Equal("0500", Hex(Encode(w => SnmpNull.Instance.WriteForTest(w))));
        Assert.Equal("40047F000001", Hex(Encode(w => new SnmpIpAddress(IPAddress.Loopback).WriteForTest(w))));
        Assert.Equal("04036E2F61", Hex(Encode(w => w.WriteOctetString("n/a"))));
    }

    [Theory]
    [InlineData(127, "047F")]
    [InlineData(200, "0481C8")]
    [InlineData(300, "0482012C")]
    [InlineData(70000, "0483011170")]
    public void Long_lengths_use_the_long_form(int length, string expectedHeader)
    {
        byte[] encoded = Encode(w => w.WriteOctetString(new byte[length]));
        Assert.Equal(expectedHeader, Hex(encoded[..(expectedHeader.Length / 2)]));
        Assert.Equal(length + expectedHeader.Length / 2, encoded.Length);
        var reader = new BerReader(encoded);
        Assert.Equal(length, reader.ReadOctetString().Length);
    }

    [Fact]
    public void Nested_sequences_get_long_form_headers_when_content_grows()
    {
        byte[] encoded = Encode(w =>
        {
            w.BeginSequence();
            w.BeginSequence();
            w.WriteOctetString(new byte[150]);
            w.EndConstructed();
            w.WriteInteger(5);
            w.EndConstructed();
        });
        var reader = new BerReader(encoded);
        var outer = reader.ReadSequence();
        var inner = outer.ReadSequence();
        Assert.Equal(150, inner.ReadOctetString().Length);
        Assert.Equal(5, outer.ReadInteger());
        Assert.False(reader.HasData);
    }

    [Fact]
    public void V2c_trap_matches_the_hand_assembled_encoding()
    {
        var pdu = new SnmpPdu(BerTag.SnmpV2TrapPdu, 1, 0, 0, [
            new VarBind(ObjectIdentifier.Parse("1.3.6.1.2.1.1.3.0"), new SnmpTimeTicks(0)),
            new VarBind(ObjectIdentifier.Parse("1.3.6.1.6.3.1.1.4.1.0"), new SnmpOid(ObjectIdentifier.Parse("1.3.6.1.4.1.32723.2.1"))),
        ]);
        const string expected =
            "3041" + "020101" + "0406" + "7075626C6963" +
            "A734" + "020101" + "020100" + "020100" +
            "3029" +
            "300D" + "06082B06010201010300" + "430100" +
            "3018" + "060A2B060106030101040100" + "060A2B0601040181FF530201";
        Assert.Equal(expected, Hex(SnmpV2cMessage.Encode("public", pdu)));
    }

    [Fact]
    public void Response_pdu_round_trips_with_every_value_type()
    {
        var varBinds = ImmutableArray.Create<VarBind>(
            new(ObjectIdentifier.Parse("1.3.6.1.2.1.1.3.0"), new SnmpTimeTicks(12345)),
            new(ObjectIdentifier.Parse("1.3.6.1.4.1.32723.1.1"), new SnmpOctetString("pm01")),
            new(ObjectIdentifier.Parse("1.3.6.1.4.1.32723.1.5"), new SnmpInteger(int.MaxValue)),
            new(ObjectIdentifier.Parse("1.3.6.1.4.1.32723.1.6"), new SnmpInteger(-201)),
            new(ObjectIdentifier.Parse("1.3.6.1.2.1.4.20.1.1"), new SnmpIpAddress(IPAddress.Parse("10.1.2.3"))),
            new(ObjectIdentifier.Parse("1.3.6.1.2.1.2.2.1.10.1"), new SnmpCounter32(uint.MaxValue)),
            new(ObjectIdentifier.Parse("1.3.6.1.2.1.2.2.1.5.1"), new SnmpGauge32(1_000_000_000)),
            new(ObjectIdentifier.Parse("1.3.6.1.2.1.31.1.1.1.6.1"), new SnmpCounter64(ulong.MaxValue - 1)),
            new(ObjectIdentifier.Parse("1.3.6.1.2.1.1.2.0"), new SnmpOid(ObjectIdentifier.Parse("1.3.6.1.4.1.32723"))),
            new(ObjectIdentifier.Parse("1.3.6.1.2.1.1.9.0"), SnmpNull.Instance),
            new(ObjectIdentifier.Parse("1.3.6.1.2.1.1.99.0"), new SnmpException(BerTag.NoSuchObject)));
        var pdu = new SnmpPdu(BerTag.ResponsePdu, -12345678, 0, 0, varBinds);

        var decoded = SnmpV2cMessage.Decode(SnmpV2cMessage.Encode("secret-community", pdu), out byte[] community);

        Assert.Equal("secret-community", System.Text.Encoding.UTF8.GetString(community));
        Assert.Equal(BerTag.ResponsePdu, decoded.Type);
        Assert.Equal(-12345678, decoded.RequestId);
        Assert.True(varBinds.SequenceEqual(decoded.VarBinds), string.Join(" | ", decoded.VarBinds));
    }

    [Theory]
    [InlineData("3005020101")]            // sequence length runs past the end
    [InlineData("30800201010000")]        // indefinite length
    [InlineData("3003020101FF")]          // trailing garbage is fine for the sequence, but then the community is missing
    [InlineData("30070201010402AB")]      // octet string truncated
    public void Malformed_datagrams_raise_BerException(string hex)
    {
        Assert.Throws<BerException>(() => SnmpV2cMessage.Decode(Convert.FromHexString(hex), out _));
    }
}
