from django import template

from dtbd.accounts.scope import scope_of

register = template.Library()


@register.simple_tag
def user_scope(user):
    """The user's Scope (dtbd.accounts.scope): {% load scope %}{% user_scope request.user as scope %}{% if scope.can_write %}…"""
    return scope_of(user)
