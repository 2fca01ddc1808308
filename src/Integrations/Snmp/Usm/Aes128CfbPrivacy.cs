using System.Buffers.Binary;
using System.Security.Cryptography;

namespace HaApi.Integrations.Snmp.Usm;

/// <summary>
/// usmAesCfb128Protocol (RFC 3826): AES-128 in CFB-128 mode over the scopedPDU, no padding. The key is the first
/// 16 octets of the privacy passphrase localised with the user's authentication hash; the IV is
/// engineBoots ‖ engineTime ‖ the 8-octet salt carried in msgPrivacyParameters.
/// </summary>
public static class Aes128CfbPrivacy
{
    public const int KeyLength = 16;
    public const int SaltLength = 8;

    public static byte[] Encrypt(ReadOnlySpan<byte> localizedPrivKey, int engineBoots, int engineTime, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> plaintext) =>
        Transform(localizedPrivKey, engineBoots, engineTime, salt, plaintext, encrypt: true);

    public static byte[] Decrypt(ReadOnlySpan<byte> localizedPrivKey, int engineBoots, int engineTime, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> ciphertext) =>
        Transform(localizedPrivKey, engineBoots, engineTime, salt, ciphertext, encrypt: false);

    private static byte[] Transform(ReadOnlySpan<byte> key, int boots, int time, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> input, bool encrypt)
    {
        if (key.Length < KeyLength) throw new ArgumentException("AES-128 needs a 16-octet localised key.", nameof(key));
        if (salt.Length != SaltLength) throw new ArgumentException("The AES salt is 8 octets.", nameof(salt));
        Span<byte> iv = stackalloc byte[16];
        BinaryPrimitives.WriteInt32BigEndian(iv, boots);
        BinaryPrimitives.WriteInt32BigEndian(iv[4..], time);
        salt.CopyTo(iv[8..]);

        using var aes = Aes.Create();
        aes.Key = key[..KeyLength].ToArray();
        // CFB is a stream mode: pad to whole blocks for the API, then cut the output back to the input length.
        int padded = (input.Length + 15) / 16 * 16;
        byte[] buffer = new byte[padded];
        input.CopyTo(buffer);
        byte[] output = encrypt
            ? aes.EncryptCfb(buffer, iv, PaddingMode.None, feedbackSizeInBits: 128)
            : aes.DecryptCfb(buffer, iv, PaddingMode.None, feedbackSizeInBits: 128);
        return output[..input.Length];
    }
}
