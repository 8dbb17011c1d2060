"""stub"""
def read_srt(text, *, monologue_speaker=None): raise NotImplementedError
def read_vtt(text, *, monologue_speaker=None): raise NotImplementedError
