using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;

namespace ClipSurgeryWeb.Engine.Tests.Opinions;

public sealed class TokenCleanerTests
{
    private const int Sot = 49406, Eot = 49407;
    private static readonly ClipTokenizer Tokenizer = ClipTokenizer.FromFile(Shared.Vocab);

    [Fact]
    public void A_decoded_sample_loses_its_specials_and_the_reference_punctuation_then_splits_on_spaces()
    {
        // "cat's (dog) on-a #bench!" as CLIP's BPE ids, framed as a check-in decodes them: SOT, tokens, EOT padding.
        int[] ids = [Sot, 2368, 568, 263, 1929, 264, 525, 268, 320, 258, 8771, 256, Eot, Eot, Eot];
        var decoded = Tokenizer.Decode(ids);

        Assert.Equal("<|startoftext|>cat 's ( dog ) on - a # bench ! <|endoftext|><|endoftext|><|endoftext|>", decoded);
        Assert.Equal(["cat", "s", "dog", "on", "a", "bench"], TokenCleaner.Words(decoded));
        Assert.Equal("cat 's ( dog ) on - a # bench !", TokenCleaner.DisplayText(decoded));
    }

    [Fact]
    public void Every_character_of_the_reference_list_is_stripped_and_nothing_else()
    {
        var words = TokenCleaner.Words("a.b,c*d$e)f(g{h}i&j#k%l^m\\n/o-p_q?r!s>t<u\"v'w:x;y@z=1|2+3 ~`[]");

        Assert.Equal(["abcdefghijklmnopqrstuvwxyz123", "~`[]"], words);
    }

    [Fact]
    public void Non_printable_characters_go_as_pythons_isprintable_decides()
    {
        // U+200B is a format character (Cf), U+00A0 a space separator (Zs): neither is printable; U+FFFD and é are.
        Assert.Equal(["xy", "z", "é\uFFFD"], TokenCleaner.Words("<|startoftext|>x\u200by \u00a0z é\uFFFD\t<|endoftext|>"));
    }

    [Fact]
    public void A_sampled_special_token_and_broken_utf8_are_cleaned_like_the_reference()
    {
        // 49407 sampled among the learned tokens disappears with the padding; 350 is one byte of a two-byte character.
        int[] ids = [Sot, 1642, 2857, 13093, 2076, 1561, Eot, 350, Eot, Eot];
        var words = TokenCleaner.Words(Tokenizer.Decode(ids));

        Assert.Equal(["supercalifragilistic", "\uFFFD"], words);
    }

    [Fact]
    public void Specials_are_removed_once_in_the_reference_order_before_the_punctuation()
    {
        Assert.Equal(["startoftext", "x"], TokenCleaner.Words("<|start<|endoftext|>oftext|> x"));
    }
}
