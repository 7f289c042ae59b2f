# TwoKey: zsh gate, last login startup file: the user's .zlogin, read from the user's folder.
# ZDOTDIR stays pointed at TwoKey's folder afterwards, so child zsh processes are gated too.
if [[ -f $__twokey_udir/.zlogin ]]; then
  ZDOTDIR=$__twokey_udir
  builtin source "$__twokey_udir/.zlogin"
  [[ -n ${ZDOTDIR-} && $ZDOTDIR != $__twokey_zdir ]] && __twokey_udir=$ZDOTDIR
fi
ZDOTDIR=$__twokey_zdir
(( ${+functions[__twokey_arm_debug]} )) && __twokey_arm_debug zlogin
